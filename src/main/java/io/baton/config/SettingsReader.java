package io.baton.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.baton.config.BatonSettings.DbSettings;
import io.baton.config.BatonSettings.ExecSettings;
import io.baton.config.BatonSettings.Recovery;
import io.baton.config.BatonSettings.Site;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;

/** Turns the {@code baton} config block into {@link BatonSettings}, one clear error per bad key. */
final class SettingsReader {
  private SettingsReader() {}

  static BatonSettings read(Config c) {
    try {
      Path home = Path.of(c.getString("home")).toAbsolutePath().normalize();
      return new BatonSettings(
          nodeName(c),
          oneOf(c, "site", Site.class),
          zone(c),
          home,
          home.resolve(c.getString("jobs-dir")).normalize(),
          home.resolve(c.getString("dependent-dir")).normalize(),
          home.resolve(c.getString("logs-dir")).normalize(),
          db(c.getConfig("db.main")),
          db(c.getConfig("db.bkp")),
          positive(c, "catalog.poll-interval"),
          positive(c, "dependency.poll-interval"),
          positive(c, "heartbeat-interval"),
          positive(c, "lease.ttl"),
          new ExecSettings(
              c.getStringList("exec.interpreters"),
              atMostLongest(c, "exec.default-timeout"),
              positive(c, "exec.kill-grace"),
              c.getBytes("exec.log-cap")),
          oneOf(c, "recovery", Recovery.class),
          positive(c, "misfire-grace"),
          positive(c, "history-retention"),
          positive(c, "shutdown-grace"),
          sleepBeyond(c),
          http(c),
          new BatonSettings.ClusterSettings(nonBlank(c, "cluster.bind"), port(c, "cluster.port")));
    } catch (ConfigException e) {
      throw new ConfigurationException("configuration: " + e.getMessage(), e);
    }
  }

  private static BatonSettings.HttpSettings http(Config c) {
    return new BatonSettings.HttpSettings(nonBlank(c, "http.bind"), port(c, "http.port"),
        c.getString("http.token").trim(), c.getStringList("http.allowed-origins"));
  }

  private static int port(Config c, String key) {
    int port = c.getInt(key);
    if (port < 0 || port > 65535) {
      throw new ConfigurationException("configuration: baton." + key + " must be 0 (any free port) to 65535, got " + port);
    }
    return port;
  }

  private static DbSettings db(Config c) {
    return new DbSettings(c.getString("url").trim(), c.getString("user"), c.getString("password"));
  }

  private static String nonBlank(Config c, String key) {
    String value = c.getString(key).trim();
    if (value.isEmpty()) {
      throw new ConfigurationException("configuration: baton." + key + " must not be empty");
    }
    return value;
  }

  private static String nodeName(Config c) {
    String name = c.getString("node-name").trim();
    if (name.isEmpty()) {
      name = HostName.get(); // unique per host; a second node on one host needs a name of its own
      name = name.length() > 45 ? name.substring(0, 45) : name;
    }
    if (name.equalsIgnoreCase("baton-lease") || name.length() > 45) { // names compare without case in MySQL
      throw new ConfigurationException("configuration: baton.node-name '" + name
          + "' cannot be used (at most 45 characters; 'baton-lease' is the name of the lease row)");
    }
    return name;
  }

  /** Longer than the wake's lead (10 s), with room to read a chain's journal before its fire. */
  private static Duration sleepBeyond(Config c) {
    Duration d = c.getDuration("sleep-beyond");
    if (d.compareTo(Duration.ofSeconds(15)) < 0) {
      throw new ConfigurationException("configuration: baton.sleep-beyond must be at least 15s (a sleeping chain"
          + " is woken 10 s before its fire), got " + d);
    }
    return d;
  }

  private static Duration positive(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException("configuration: baton." + key + " must be positive, got " + d);
    }
    return d;
  }

  /** A job timeout: the same bound as a row's (a timer cannot wait without limit). */
  private static Duration atMostLongest(Config c, String key) {
    Duration d = positive(c, key);
    if (d.compareTo(ExecSettings.LONGEST_TIMEOUT) > 0) {
      throw new ConfigurationException("configuration: baton." + key + " is " + d.toDays()
          + " days, more than the longest allowed (" + ExecSettings.LONGEST_TIMEOUT.toDays() + " days)");
    }
    return d;
  }

  private static ZoneId zone(Config c) {
    String value = c.getString("timezone").trim();
    if (value.isEmpty() || value.equalsIgnoreCase("system")) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(value);
    } catch (RuntimeException e) {
      throw new ConfigurationException("configuration: baton.timezone: unknown zone '" + value + "'");
    }
  }

  private static <E extends Enum<E>> E oneOf(Config c, String key, Class<E> type) {
    String value = c.getString(key).trim();
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E option : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ")
            .append(option.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw new ConfigurationException(
          "configuration: baton." + key + " is '" + value + "'; expected one of " + allowed);
    }
  }
}
