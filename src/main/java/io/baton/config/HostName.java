package io.baton.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's name, as {@code hostname} prints it: the default node name and the host a node records. */
public final class HostName {
  private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");

  private HostName() {}

  public static String get() {
    try {
      String name = Files.readString(KERNEL).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: ask the resolver below
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The address other nodes reach a server bound to {@code bind} at: itself, or this host's name for a wildcard. */
  public static String advertised(String bind) {
    return bind.equals("0.0.0.0") || bind.equals("::") ? get() : bind;
  }
}
