package io.baton.chain;

import java.time.Duration;
import java.time.Instant;

/**
 * The chain_run row of the run in progress is written once, at the instant the run really begins
 * (its first processes start then): this remembers whether it was, and whether the run is one
 * resumed after a restart (it began at its start on its first node, long ago).
 */
final class RunStartRecord {
  /** A run that begins within this of its start instant is recorded as begun at the instant itself. */
  private static final Duration ON_TIME = Duration.ofMillis(50);

  private final ChainRuntime chain;
  private long recordedRun; // the run whose chain_run row this actor has sent to be written
  private boolean resuming;

  RunStartRecord(ChainRuntime chain) {
    this.chain = chain;
  }

  /** The run about to be begun again was active when its node stopped. */
  void resuming(boolean resuming) {
    this.resuming = resuming;
  }

  boolean resuming() {
    return resuming;
  }

  boolean recorded(long runId) {
    return recordedRun == runId;
  }

  void record(ActiveRun run, Instant began) {
    recordedRun = run.runId();
    ChainContext node = chain.node;
    node.begunRuns().add(run.runId());
    node.metrics().runStarted(chain.chainId);
    if (run.trigger() == Trigger.SCHEDULE && !resuming) {
      node.metrics().fireBegan(Duration.between(run.scheduledTime(), began));
    }
    chain.runLog.runStarted(run.runId(), chain.chainId, run.trigger(), run.scheduledTime(), began, run.epoch(),
        run.node(), run.dependenciesPassedAt(), run.rerunOf());
  }

  /** Written now unless it was: a run that ended, or stopped for shutdown, before its instant's timer came. */
  void recordOnce(ActiveRun run) {
    if (!recorded(run.runId())) {
      record(run, run.startTime());
    }
  }

  /**
   * The run began at {@code now} (its first process, or its instant's timer): recorded at its
   * start instant unless that is more than {@link #ON_TIME} ago, so a late start shows as late.
   */
  void recordAt(ActiveRun run, Instant now) {
    record(run, now.isAfter(run.startTime().plus(ON_TIME)) ? now : run.startTime());
  }
}
