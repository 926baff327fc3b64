package io.baton.chain;

import io.baton.config.BatonSettings;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every chain actor of a node shares, each part as narrow as the chain needs it: settings,
 * clock, the host's processes, the pool for blocking calls, where outcomes are recorded, new run
 * ids, the heartbeat's gauges, the lease guard that says whether this node may act right now, the
 * runs recorded as begun when it was elected, and the metrics.
 */
public record ChainContext(
    BatonSettings settings,
    Clock clock,
    ProcessHost processes,
    Executor blocking,
    OutcomeSink outcomes,
    LongSupplier runIds,
    ChainGauges gauges,
    LeaderGuard guard,
    BegunRuns begunRuns,
    RunMetrics metrics) {

  public RunLog runLog() {
    return new RunLog(outcomes, settings.nodeName(), guard);
  }

  /** The leader epoch new runs and job starts are recorded under. */
  public long epoch() {
    return guard.epoch();
  }
}
