package io.baton.node;

import org.slf4j.LoggerFactory;

/** The level Baton logs at, as realtime_status.debugmode shows it ("debug", "info", …). */
final class LogLevel {
  private LogLevel() {}

  static String current() {
    var log = LoggerFactory.getLogger("io.baton");
    if (log.isTraceEnabled()) {
      return "trace";
    }
    if (log.isDebugEnabled()) {
      return "debug";
    }
    return log.isInfoEnabled() ? "info" : log.isWarnEnabled() ? "warn" : "error";
  }
}
