package io.baton.node;

import io.baton.chain.JobStatus;
import io.baton.chain.RunMetrics;
import io.baton.chain.RunStatus;
import io.baton.config.BatonSettings.Site;
import io.baton.definition.CatalogView;
import io.baton.exec.ProcessLauncher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * The node's meters, served as /metrics in Prometheus format. Fed by what the actors do (runs and
 * jobs ending, fires beginning, journal and outcome writes), not by polling the tables. No run id
 * is a label, and histograms carry no chain label, so many chains cannot multiply the series.
 * One per actor system (a Pekko extension), so the journal plugin finds the node it writes for.
 */
public final class NodeMetrics implements Extension, RunMetrics {
  private static final Duration[] DELAY_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
      30_000, 60_000);
  private static final Duration[] RUN_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
      Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3),
      Duration.ofHours(12)};
  private static final Duration[] WRITE_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<Long> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger outcomesWaiting = new AtomicInteger();
  private final Timer fireDelay;
  private final Timer journalWrite;
  private final Timer outcomeWrite;
  private volatile Site site = Site.MAIN; // this node's: what it runs when it leads

  private NodeMetrics() {
    fireDelay = Timer.builder("baton.fire.delay")
        .description("From a fire's scheduled time to its first process")
        .serviceLevelObjectives(DELAY_BUCKETS).register(registry);
    journalWrite = Timer.builder("baton.journal.write")
        .description("Writes of chain events to the journal")
        .serviceLevelObjectives(WRITE_BUCKETS).register(registry);
    outcomeWrite = Timer.builder("baton.outcome.write")
        .description("Batches of run outcomes written to chain_run, job_run and the original tables")
        .serviceLevelObjectives(WRITE_BUCKETS).register(registry);
    Gauge.builder("baton.outcomes.waiting", outcomesWaiting, AtomicInteger::get)
        .description("Run outcomes not yet written to the database").register(registry);
  }

  public static NodeMetrics get(ActorSystem system) {
    return Id.INSTANCE.get(system);
  }

  public static NodeMetrics get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
  }

  /** The gauges read from the node's parts at each scrape. */
  void bind(ProcessLauncher launcher, LeaseGuard guard, CatalogView catalog, Site site) {
    this.site = site;
    Gauge.builder("baton.processes.running", launcher, ProcessLauncher::running)
        .description("Job and dependency processes running on this node").register(registry);
    Gauge.builder("baton.is.leader", guard, g -> g.leading() ? 1 : 0)
        .description("1 while this node holds the leader lease").register(registry);
    Gauge.builder("baton.lease.epoch", guard, g -> Math.max(0, g.epoch()))
        .description("Epoch of the lease this node leads under (0 while standing by)").register(registry);
    for (String state : new String[] {"armed", "running", "held", "off"}) {
      Gauge.builder("baton.chains", catalog, c -> chainsIn(c, state)).tag("state", state)
          .description("Chains by state, as this node sees them").register(registry);
    }
  }

  private double chainsIn(CatalogView catalog, String state) {
    int n = 0;
    for (CatalogView.Entry entry : catalog.all()) {
      if (entry.state(running.contains(entry.definition().id()), site).equals(state)) {
        n++;
      }
    }
    return n;
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void fireBegan(Duration delay) {
    fireDelay.record(delay.isNegative() ? Duration.ZERO : delay);
  }

  @Override
  public void runStarted(long chainId) {
    running.add(chainId);
  }

  @Override
  public void runEnded(long chainId, RunStatus status, Duration duration) {
    running.remove(chainId);
    String label = status.name();
    Counter.builder("baton.chain.runs").description("Runs ended on this node, by chain and status")
        .tag("chain", Long.toString(chainId)).tag("status", label).register(registry).increment();
    Timer.builder("baton.chain.run.duration").description("Duration of runs, by status")
        .tag("status", label).serviceLevelObjectives(RUN_BUCKETS).register(registry)
        .record(duration.isNegative() ? Duration.ZERO : duration);
  }

  @Override
  public void jobEnded(JobStatus status) {
    Counter.builder("baton.jobs").description("Job processes ended on this node, by status")
        .tag("status", status.name()).register(registry).increment();
  }

  /** The chain's actor stopped here (handed over, or failed): no run of it is active on this node. */
  void chainLeft(long chainId) {
    running.remove(chainId);
  }

  void journalWritten(Duration took) {
    journalWrite.record(took);
  }

  void outcomesWritten(Duration took, int waiting) {
    outcomeWrite.record(took);
    outcomesWaiting.set(waiting);
  }

  void outcomesWaiting(int waiting) {
    outcomesWaiting.set(waiting);
  }

  private static Duration[] millis(long... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofMillis(values[i]);
    }
    return durations;
  }

  private static final class Id extends AbstractExtensionId<NodeMetrics> {
    static final Id INSTANCE = new Id();

    @Override
    public NodeMetrics createExtension(ExtendedActorSystem system) {
      return new NodeMetrics();
    }
  }
}
