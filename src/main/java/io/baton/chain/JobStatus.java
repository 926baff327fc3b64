package io.baton.chain;

/** Outcome of one process, as written to job_run.status. */
public enum JobStatus {
  SUCCESS,
  FAILED,
  TIMEOUT,
  REFUSED,
  INTERRUPTED;

  /** The run status a failed job gives its run. */
  RunStatus runStatus() {
    return this == TIMEOUT ? RunStatus.TIMEOUT : this == INTERRUPTED ? RunStatus.INTERRUPTED : RunStatus.FAILED;
  }
}
