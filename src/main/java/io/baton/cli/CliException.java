package io.baton.cli;

/** Ends a verb with one line on stderr and an exit code a script can act on. */
final class CliException extends RuntimeException {
  /** The node refused the request, or what it names does not exist. */
  static final int REFUSED = 1;
  /** The request was malformed, the node could not be reached, or it failed. */
  static final int USAGE = 2;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
