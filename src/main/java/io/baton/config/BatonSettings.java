package io.baton.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/** Typed view of the {@code baton} block of the configuration (SPEC section 5). */
public record BatonSettings(
    String nodeName,
    Site site,
    ZoneId timezone,
    Path home,
    Path jobsDir,
    Path dependentDir,
    Path logsDir,
    DbSettings mainDb,
    DbSettings bkpDb,
    Duration catalogPollInterval,
    Duration dependencyPollInterval,
    Duration heartbeatInterval,
    Duration leaseTtl,
    ExecSettings exec,
    Recovery recovery,
    Duration misfireGrace,
    Duration historyRetention,
    Duration shutdownGrace,
    Duration sleepBeyond,
    HttpSettings http,
    ClusterSettings cluster) {

  public enum Site { MAIN, BKP }

  public enum Recovery { RERUN_STEP, FAIL }

  /** One database connection; an empty url means "not configured". */
  public record DbSettings(String url, String user, String password) {
    public boolean configured() {
      return url != null && !url.isBlank();
    }
  }

  /**
   * The node's HTTP surface (API, dashboard, metrics): port 0 takes any free port; an empty token
   * accepts actions from loopback only.
   */
  public record HttpSettings(String bind, int port, String token, List<String> allowedOrigins) {
    public boolean tokenSet() {
      return !token.isEmpty();
    }
  }

  /**
   * Where the node listens for the other nodes of its cluster: {@code bind} is also the address it
   * gives them (a wildcard bind gives this host's name); port 0 takes any free port.
   */
  public record ClusterSettings(String bind, int port) {}

  public record ExecSettings(
      List<String> interpreters, Duration defaultTimeout, Duration killGrace, long logCapBytes) {
    /**
     * The longest timeout anything may ask for: this default, a job's or a dependency's ottime, a
     * chain's dep_ot. Timers cannot wait without bound (Pekko's stop at about 248 days), and a
     * larger value is a typing error rather than a job anyone expects to run for a month: the chain
     * is held instead.
     */
    public static final Duration LONGEST_TIMEOUT = Duration.ofDays(30);
  }

  /** Reads and checks the settings; a bad value throws {@link ConfigurationException}. */
  public static BatonSettings from(Config root) {
    return SettingsReader.read(root.getConfig("baton"));
  }

  /** Where the embedded database lives when no url is configured. */
  public Path dataDir() {
    return home.resolve("data");
  }
}
