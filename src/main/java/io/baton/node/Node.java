package io.baton.node;

import io.baton.api.ApiContext;
import io.baton.api.HttpApi;
import io.baton.cluster.ClusterView;
import io.baton.cluster.LeaseStore;
import io.baton.cluster.Membership;
import io.baton.config.BatonSettings;
import io.baton.config.HostName;
import io.baton.db.CatalogRepository;
import io.baton.db.CommandRepository;
import io.baton.db.NodeRoster;
import io.baton.db.RunHistory;
import io.baton.db.Database;
import io.baton.db.DeploymentId;
import io.baton.db.HistoryRepository;
import io.baton.db.LeaseRepository;
import io.baton.db.AwakeChains;
import io.baton.db.LeaseTable;
import io.baton.db.RunRepository;
import io.baton.db.StatusRepository;
import io.baton.definition.CatalogView;
import io.baton.exec.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running node: database, process launcher and actor system, and their orderly stop. */
public final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  /** A start-up problem other than configuration or database: its message is the operator's line. */
  public static final class StartException extends RuntimeException {
    public StartException(String message) {
      super(message);
    }
  }

  private final ActorSystem<SchedulerGuardian.Command> system;
  private final HttpApi http;

  private Node(ActorSystem<SchedulerGuardian.Command> system, HttpApi http) {
    this.system = system;
    this.http = http;
  }

  /** The port this node's HTTP API listens on. */
  public int httpPort() {
    return http.port();
  }

  public static Node start(BatonSettings settings) {
    return start(settings, Clock.systemUTC());
  }

  public static Node start(BatonSettings settings, Clock clock) {
    writableFolder(settings.logsDir(), "baton.logs-dir");
    for (Path scripts : new Path[] {settings.jobsDir(), settings.dependentDir()}) {
      if (!Files.isDirectory(scripts)) {
        log.warn("script folder {} does not exist: every chain using it will fail until it is created", scripts);
      }
    }
    HttpApi http;
    try {
      http = HttpApi.bind(settings.http()); // a taken port stops the node before it claims anything
    } catch (HttpApi.BindFailed e) {
      throw new StartException(e.getMessage());
    }
    try {
      clusterPortFree(settings); // likewise the cluster's port
    } catch (StartException e) {
      http.close();
      throw e;
    }
    Database db;
    try {
      db = Database.open(settings); // embedded: also offers the demo chains, once
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    StatusRepository status = new StatusRepository(db.dataSource());
    LeaseRepository leases = new LeaseRepository(db.dataSource());
    LeaseGuard guard = new LeaseGuard();
    StatusRepository.Registration registration;
    String deployment;
    try {
      registration = status.claim(new StatusRepository.Claim(settings.nodeName(), HostName.get(),
          ProcessHandle.current().pid(), LogLevel.current(), settings.leaseTtl()));
      deployment = DeploymentId.of(db.dataSource()); // its processes carry it
    } catch (RuntimeException e) {
      http.close();
      db.close();
      throw e;
    }
    RunIds runIds = new RunIds(registration.nodeNumber(), clock, registration.runIdFloor());
    ProcessLauncher launcher = new ProcessLauncher(settings.exec(), settings.nodeName(),
        deployment, settings.jobsDir(), settings.dependentDir(), settings.logsDir());
    ExecutorService blocking = Executors.newFixedThreadPool(8, daemon("baton-blocking"));
    // process starts and kills, and lease statements, never wait behind database calls that hang
    ExecutorService processWork = Executors.newFixedThreadPool(8, daemon("baton-process"));
    // (a few threads: after an outage, each lease renewed on its own must not crowd the connection pool)
    ExecutorService leaseWork = Executors.newFixedThreadPool(4, daemon("baton-lease"));
    NodeServices services = new NodeServices(settings, clock, new CatalogRepository(db.dataSource()),
        new RunRepository(db.dataSource()), new HistoryRepository(db.dataSource()), status, leases, guard, launcher, new NodeGauges(), runIds,
        settings.bkpDb().configured() ? db::currentServer : null, blocking, new CommandRepository(db.dataSource()),
        new RunHistory(db.dataSource()), new CatalogView(), new AwakeChains(db.dataSource()), processWork);
    ActorSystem<SchedulerGuardian.Command> system;
    try {
      system = ActorSystem.create(SchedulerGuardian.create(services), "baton",
          BootstrapSetup.create(PekkoConfig.of(db, settings))
              .and(new LeaseStore(new LeaseTable(db.dataSource()), leaseWork, settings.nodeName()).setup()));
    } catch (RuntimeException e) {
      http.close();
      launcher.close();
      blocking.shutdown();
      processWork.shutdown();
      leaseWork.shutdown();
      db.close();
      throw clusterPortTaken(settings, e);
    }
    NodeRoster roster = new NodeRoster(db.dataSource());
    joinCluster(system, settings, roster, blocking);
    NodeMetrics metrics = NodeMetrics.get(system);
    metrics.bind(launcher, guard, services.catalogView(), settings.site());
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    Duration stopTimeout = settings.shutdownGrace().plus(settings.exec().killGrace()).plusSeconds(10);
    // Cluster Sharding hands this node's shards over first (phase cluster-sharding-shutdown-region):
    // each chain fires nothing more, lets its jobs finish within the grace, and stops. Then:
    shutdown.addTask(CoordinatedShutdown.PhaseClusterShutdown(), "write-outcomes-and-release-lease", () ->
        AskPattern.<SchedulerGuardian.Command, Done>ask(system, SchedulerGuardian.Stop::new, stopTimeout,
            system.scheduler()).thenCompose(flushed -> {
          // every outcome is written: a standby may take the node-wide chores over at once
          long epoch = guard.epoch();
          guard.depose();
          return java.util.concurrent.CompletableFuture.runAsync(() -> {
            if (epoch >= 0) {
              leases.release(settings.nodeName(), epoch);
            }
          }, blocking);
        }).handle((ok, error) -> Done.getInstance()));
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-resources", () -> {
      launcher.close();
      blocking.shutdown();
      processWork.shutdown();
      leaseWork.shutdown();
      log.info("node {} stopped", settings.nodeName());
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    });
    http.start(new ApiContext(settings, clock, roster, services.runHistory(), services.commands(),
        services.catalogView(), launcher, guard::leading, db::reachable, metrics::scrape, http.port(),
        () -> ClusterView.members(system)));
    String address = "http://" + advertised(settings.http().bind()) + ":" + http.port();
    blocking.execute(() -> {
      try {
        roster.advertise(settings.nodeName(), address);
      } catch (RuntimeException e) {
        log.warn("could not record this node's HTTP address ({}); other nodes cannot fetch its logs", e.getMessage());
      }
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "close-http", () -> {
      http.close();
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    });
    system.getWhenTerminated().thenRun(db::close);
    log.info("node {} started (site {}, database {}, home {}); dashboard and API on {}", settings.nodeName(),
        settings.site().name().toLowerCase(), db.embedded() ? "embedded " + db.displayUrl() : db.displayUrl(),
        settings.home(), address);
    return new Node(system, http);
  }

  /**
   * Shows this node's cluster address on its realtime_status row, then joins the nodes whose rows
   * are live. The row is written before the node looks, so of two nodes starting together at least
   * the later one sees the other.
   */
  private static void joinCluster(ActorSystem<?> system, BatonSettings settings, NodeRoster roster,
      java.util.concurrent.Executor blocking) {
    String self = Cluster.get(system).selfMember().address().toString();
    try {
      roster.advertiseCluster(settings.nodeName(), self);
    } catch (RuntimeException e) {
      // it still joins the nodes it finds; nodes starting later do not find it until it restarts
      log.warn("could not record this node's cluster address {} ({})", self, e.getMessage());
    }
    system.systemActorOf(Membership.create(() -> roster.liveClusterAddresses(settings.leaseTtl()), settings.leaseTtl(),
        blocking), "membership", Props.empty());
  }

  /** Stops the start before anything is claimed when the cluster's port is taken (port 0 takes a free one later). */
  private static void clusterPortFree(BatonSettings settings) {
    if (settings.cluster().port() == 0) {
      return;
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(settings.cluster().bind(), settings.cluster().port()));
    } catch (IOException e) {
      throw clusterPortTaken(settings, e);
    }
  }

  /** The cluster's port could not be bound (by the probe, or by an actor system that could not start). */
  private static RuntimeException clusterPortTaken(BatonSettings settings, Exception e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof java.net.BindException && String.valueOf(root.getMessage()).contains("in use")) {
      return new StartException("baton.cluster.port " + settings.cluster().port() + " on " + settings.cluster().bind()
          + " cannot be bound (" + root.getMessage() + "): another program (or node) uses it; set baton.cluster.port");
    }
    if (root instanceof IOException) {
      return new StartException("baton.cluster.bind '" + settings.cluster().bind() + "' / baton.cluster.port "
          + settings.cluster().port() + " cannot be bound: " + root.getMessage());
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }

  /** Blocks until the node stopped; the process exit code. */
  public int awaitTermination() {
    try {
      system.getWhenTerminated().toCompletableFuture().get();
      return 0;
    } catch (Exception e) {
      return 1;
    }
  }

  /**
   * True once the node stopped because the cluster downed it (it was unreachable to the others:
   * frozen, or cut off from them). Pekko lets a downed actor system never join again, so the
   * process starts a new node in its place, which joins as a new member.
   */
  public boolean downedByCluster() {
    return CoordinatedShutdown.get(system).getShutdownReason()
        .filter(reason -> reason == CoordinatedShutdown.ClusterDowningReason$.MODULE$).isPresent();
  }

  /** Begins the graceful stop (no new fires, jobs get the shutdown grace); {@link #awaitTermination} waits for it. */
  public void stopInBackground() {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
  }

  /** Stops the node as SIGTERM would and waits for it. */
  public void stop() throws Exception {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture()
        .get(5, TimeUnit.MINUTES);
  }

  /** The address other nodes reach this one at: the bound address, or this host's name for a wildcard bind. */
  private static String advertised(String bind) {
    String host = HostName.advertised(bind);
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static void writableFolder(Path folder, String key) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new StartException(key + " " + folder + " cannot be created: " + e.getMessage());
    }
    if (!Files.isWritable(folder)) {
      throw new StartException(key + " " + folder + " is not writable");
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
