package io.baton.exec;

/**
 * A process was not started because its command or interpreter failed a check. Nothing ran; the
 * message is meant for the operator and names the request, the offending value and the reason.
 */
public final class LaunchRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public LaunchRefusedException(String message) {
    super(message);
  }
}
