package io.baton.exec;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything needed to start one job or dependency-check process.
 *
 * @param kind job or dependency check
 * @param chainId the chain the process belongs to
 * @param runId the chain run
 * @param refId the job id (JOB) or dependency id (DEP)
 * @param stepLevel the step of a job; null for dependency checks
 * @param attempt 1-based attempt (jobs) or check count (dependencies)
 * @param scheduledTime the run's scheduled instant, handed to the script
 * @param env interpreter with optional flags; null or blank runs the script directly
 * @param command script path relative to its folder, then arguments, split like shell words
 */
public record ProcessRequest(
    ProcessKind kind,
    long chainId,
    long runId,
    long refId,
    Integer stepLevel,
    int attempt,
    Instant scheduledTime,
    String env,
    String command) {

  public ProcessRequest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scheduledTime, "scheduledTime");
  }

  /** Operator-facing name, e.g. "job 12 of chain 3", used to start every refusal message. */
  public String label() {
    return (kind == ProcessKind.JOB ? "job " : "dependency ") + refId + " of chain " + chainId;
  }
}
