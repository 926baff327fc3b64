package io.baton.chain;

/** Outcome of one process, as written to job_run.status. */
public enum JobStatus {
  SUCCESS,
  FAILED,
  TIMEOUT,
  REFUSED,
  INTERRUPTED,
  /** Stopped because an operator cancelled the run. */
  CANCELLED;

  /** The run status a failed job gives its run. */
  RunStatus runStatus() {
    return switch (this) {
      case TIMEOUT -> RunStatus.TIMEOUT;
      case INTERRUPTED -> RunStatus.INTERRUPTED;
      case CANCELLED -> RunStatus.CANCELLED;
      default -> RunStatus.FAILED;
    };
  }
}
