package io.baton.schedule;

/**
 * A timestr that cannot be used. {@link #getMessage()} is the full reason an operator reads,
 * always naming the timestr, e.g. {@code timestr '61 * * * *': minute 61 out of range 0-59}.
 */
public final class InvalidScheduleException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String timestr;
  private final String reason;

  public InvalidScheduleException(String timestr, String reason) {
    super("timestr '" + timestr + "': " + reason);
    this.timestr = timestr;
    this.reason = reason;
  }

  /** The offending timestr, trimmed. */
  public String timestr() {
    return timestr;
  }

  /** The reason alone, without the timestr prefix. */
  public String reason() {
    return reason;
  }
}
