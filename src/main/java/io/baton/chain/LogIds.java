package io.baton.chain;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The MDC of chain actors' log lines, "chain=12 run=913… ", so one run can be followed by grep.
 * Pekko sets it around commands; callbacks after a persist run outside a command, so the chain
 * actor logs through {@link #info}/{@link #warn}, which set it themselves.
 */
final class LogIds {
  private final Logger log;
  private final long chainId;
  private Long runId;

  LogIds(Logger log, long chainId) {
    this.log = log;
    this.chainId = chainId;
  }

  static Map<String, String> of(long chainId, Long runId) {
    return Map.of("ids", "chain=" + chainId + (runId == null ? "" : " run=" + runId) + " ");
  }

  void run(Long id) {
    runId = id;
  }

  void info(String format, Object... args) {
    try (var ignored = MDC.putCloseable("ids", of(chainId, runId).get("ids"))) {
      log.info(format, args);
    }
  }

  void debug(String format, Object... args) {
    if (log.isDebugEnabled()) {
      try (var ignored = MDC.putCloseable("ids", of(chainId, runId).get("ids"))) {
        log.debug(format, args);
      }
    }
  }

  void warn(String text) {
    try (var ignored = MDC.putCloseable("ids", of(chainId, runId).get("ids"))) {
      log.warn(text);
    }
  }
}
