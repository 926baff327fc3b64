package io.baton.db;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the exception chain of a failed connection into one line an operator can act on.
 * Drivers bury the useful part (refused port, wrong password, unknown database) several causes
 * deep under generic wrappers such as "Communications link failure" or Hikari's pool errors.
 */
final class ConnectionFailures {
  private static final Pattern QUOTED_USER = Pattern.compile("for user '([^']*)'");
  private static final Pattern QUOTED_DB = Pattern.compile("[Uu]nknown database '([^']*)'");

  private ConnectionFailures() {}

  static DatabaseException describe(String url, Throwable failure) {
    String where = "database " + JdbcUrl.display(url);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException known) {
        return known;
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException) {
        return new DatabaseException(where + " is unreachable: " + firstLine(t), failure);
      }
      if (t instanceof UnknownHostException) {
        return new DatabaseException(
            where + " is unreachable: unknown host " + firstLine(t), failure);
      }
      if (t instanceof SQLException sql) {
        DatabaseException specific = fromSqlError(where, sql, failure);
        if (specific != null) {
          return specific;
        }
      }
    }
    return new DatabaseException(where + ": " + deepestMessage(failure), failure);
  }

  /** MySQL error numbers are the same through Connector/J and the MariaDB driver. */
  private static DatabaseException fromSqlError(String where, SQLException e, Throwable failure) {
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (e.getErrorCode() == 1045 || e.getErrorCode() == 1044 || "28000".equals(e.getSQLState())
        || msg.contains("Access denied")) {
      Matcher m = QUOTED_USER.matcher(msg);
      String user = m.find() ? m.group(1) : "?";
      return new DatabaseException(where + ": access denied for user '" + user + "'", failure);
    }
    Matcher db = QUOTED_DB.matcher(msg);
    if (e.getErrorCode() == 1049 || db.find()) {
      String name = db.find(0) ? db.group(1) : "?";
      return new DatabaseException(where + ": database '" + name + "' does not exist", failure);
    }
    return null;
  }

  private static String deepestMessage(Throwable failure) {
    String best = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        best = firstLine(t);
      }
    }
    return best == null ? failure.getClass().getSimpleName() : best;
  }

  static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }
}
