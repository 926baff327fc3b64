package io.baton.db;

/**
 * A database problem the node cannot work around. The message is one line naming the database
 * and the cause, fit to be printed as the node's last words at start-up.
 */
public class DatabaseException extends RuntimeException {
  public DatabaseException(String message) {
    super(message);
  }

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
