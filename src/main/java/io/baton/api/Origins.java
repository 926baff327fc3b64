package io.baton.api;

import io.baton.config.BatonSettings.HttpSettings;
import io.baton.config.HostName;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The names this node answers under, and the browser origins its dashboard may be served from. */
final class Origins {
  private final Set<String> hosts = new HashSet<>();
  private final Set<String> origins = new HashSet<>();

  Origins(HttpSettings http, int port) {
    Set<String> names = new HashSet<>(java.util.List.of("127.0.0.1", "localhost", "::1", HostName.get(), http.bind()));
    if (http.bind().equals("0.0.0.0") || http.bind().equals("::")) {
      names.addAll(interfaceAddresses()); // reachable under any address of this host
    }
    for (String name : names) {
      if (!name.equals("0.0.0.0") && !name.equals("::")) {
        String host = (name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name).toLowerCase(Locale.ROOT);
        hosts.add(host + ":" + port);
        origins.add("http://" + host + ":" + port);
      }
    }
    http.allowedOrigins().forEach(o -> origins.add(o.toLowerCase(Locale.ROOT)));
  }

  private static Set<String> interfaceAddresses() {
    Set<String> addresses = new HashSet<>();
    try {
      for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        for (var address : java.util.Collections.list(nic.getInetAddresses())) {
          String text = address.getHostAddress();
          addresses.add(text.contains("%") ? text.substring(0, text.indexOf('%')) : text);
        }
      }
    } catch (java.net.SocketException e) {
      // no interface list: the names above remain
    }
    return addresses;
  }

  boolean allows(String origin) {
    return origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** The Host header of a request to one of this node's names (a missing one: not a browser). */
  boolean isOwnHost(String host) {
    return host == null || hosts.contains(host.toLowerCase(Locale.ROOT));
  }
}
