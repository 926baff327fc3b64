package io.baton.chain;

import io.baton.config.BatonSettings;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every chain actor of a node shares, each part as narrow as the chain needs it: settings,
 * clock, the host's processes, the pool for blocking calls, where outcomes are recorded, new run
 * ids, the heartbeat's gauges, the guard that says whether the chain may act here right now (its
 * shard's lease), the runs that began on this node, the metrics, and how it sleeps while idle.
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
    RunMetrics metrics,
    Dormancy dormancy) {

  public ChainContext(BatonSettings settings, Clock clock, ProcessHost processes, Executor blocking, OutcomeSink outcomes,
      LongSupplier runIds, ChainGauges gauges, LeaderGuard guard, BegunRuns begunRuns, RunMetrics metrics) {
    this(settings, clock, processes, blocking, outcomes, runIds, gauges, guard, begunRuns, metrics, Dormancy.NEVER);
  }

  public RunLog runLog() {
    return new RunLog(outcomes, settings.nodeName(), guard);
  }

  /** The epoch new runs and job starts are recorded under. */
  public long epoch() {
    return guard.epoch();
  }

  /** The same, for a chain fenced by {@code chainGuard} (its shard's lease). */
  public ChainContext withGuard(LeaderGuard chainGuard) {
    return new ChainContext(settings, clock, processes, blocking, outcomes, runIds, gauges, chainGuard, begunRuns,
        metrics, dormancy);
  }

  /** The same, for a chain that sleeps while idle. */
  public ChainContext withDormancy(Dormancy chainDormancy) {
    return new ChainContext(settings, clock, processes, blocking, outcomes, runIds, gauges, guard, begunRuns,
        metrics, chainDormancy);
  }
}
