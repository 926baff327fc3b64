package io.baton.node;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;

/** Logs a lost database once when it goes and once when it comes back, never per attempt. */
public final class DatabaseOutage {
  private final Logger log;
  private final String doing;
  private long since;
  private boolean unreachable;

  public DatabaseOutage(Logger log, String doing) {
    this.log = log;
    this.doing = doing;
  }

  public void started(Throwable error, int waiting) {
    if (since == 0) {
      since = System.nanoTime();
      // a lost connection, or a statement the database gave up (a deadlock, a lock wait timeout)
      unreachable = isConnectionProblem(error);
      log.error("database {} while {}: {}; {}", unreachable ? "unreachable" : "failing", doing, rootMessage(error),
          waiting > 0 ? waiting + " record(s) wait and are written when it answers" : "trying again until it answers");
    }
  }

  public void ended() {
    if (since != 0) {
      log.warn("database {} again ({}); it {} for {} s", unreachable ? "reachable" : "answering", doing,
          unreachable ? "was unreachable" : "failed", (System.nanoTime() - since) / 1_000_000_000);
      since = 0;
    }
  }

  /**
   * The answer to an attempt that leaves nothing waiting: its error starts (or continues) the
   * outage, a success ends it. Whether the attempt failed.
   */
  public boolean failed(Throwable error) {
    if (error == null) {
      ended();
      return false;
    }
    started(error, 0);
    return true;
  }

  public boolean ongoing() {
    return since != 0;
  }

  /** Connection loss (retry later) as opposed to a statement the database rejects. */
  public static boolean isConnectionProblem(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (t instanceof java.net.ConnectException || t instanceof java.io.EOFException) {
        return true;
      }
    }
    return false;
  }

  public static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
