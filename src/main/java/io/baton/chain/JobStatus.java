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

  /** The job failed by itself, not stopped by its node or an operator: the operator is told why. */
  boolean failed() {
    return this == FAILED || this == TIMEOUT || this == REFUSED;
  }

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
