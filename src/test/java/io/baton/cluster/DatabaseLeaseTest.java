package io.baton.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.db.Database;
import io.baton.db.ForwardingDataSource;
import io.baton.db.LeaseTable;
import io.baton.db.TestDatabases;
import io.baton.db.TestSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.apache.pekko.coordination.lease.javadsl.LeaseProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database lease as Pekko uses it: built from configuration, held by one owner at a time, lost for cause. */
class DatabaseLeaseTest {
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final String SHARD = "baton-shard-chain-3";
  private static final String CONFIG = "baton-database-lease";

  @TempDir Path dir;
  private Database db;
  private ActorSystem<?> system;
  private ExecutorService blocking;
  private final AtomicBoolean databaseDown = new AtomicBoolean();
  /** While set, asking for a connection waits (a database that does not answer at all). */
  private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> silence =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger failNextConnections = new java.util.concurrent.atomic.AtomicInteger();

  @BeforeEach
  void start() {
    db = Database.open(TestDatabases.h2Url(dir), "sa", "", dir);
    blocking = Executors.newFixedThreadPool(4);
    // the node's lease block, timed short for the test
    Config config = ConfigFactory.parseString(CONFIG + " { heartbeat-timeout = " + TTL.toMillis() + "ms,"
        + " heartbeat-interval = 250ms, lease-operation-timeout = 3s }")
        .withFallback(ConfigFactory.parseResources(DatabaseLease.class, "/baton-pekko.conf"))
        .withFallback(ConfigFactory.load()).resolve();
    LeaseStore store = new LeaseStore(new LeaseTable(new SwitchableDataSource(db.dataSource())), blocking);
    system = ActorSystem.create(Behaviors.empty(), "lease-test", BootstrapSetup.create(config).and(store.setup()));
  }

  @AfterEach
  void stop() {
    system.terminate();
    blocking.shutdownNow();
    db.close();
  }

  private Lease lease(String owner) {
    return LeaseProvider.get(Adapter.toClassic(system)).getLease(SHARD, CONFIG, owner);
  }

  private static boolean now(java.util.concurrent.CompletionStage<Boolean> answer) throws Exception {
    return answer.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Object column(String column) {
    return TestSql.of(db.dataSource()).one("SELECT " + column + " FROM baton_lease WHERE lease_name = ?", SHARD);
  }

  @Test
  void pekkoBuildsItFromConfigurationAndItHasOneOwnerAtATime() throws Exception {
    Lease a = lease("node-a:25520");
    Lease b = lease("node-b:25520");
    assertTrue(a instanceof DatabaseLease, "built from lease-class: " + a.getClass());

    assertTrue(now(a.acquire()));
    assertFalse(now(b.acquire()), "another owner is refused while the lease lasts");
    assertTrue(a.checkLease());
    assertFalse(b.checkLease());
    assertEquals("node-a:25520", column("lease_holder"));

    assertTrue(now(a.release()));
    assertFalse(a.checkLease());
    assertTrue(now(b.acquire()), "a released lease is free at once");
    assertEquals(2L, ((Number) column("lease_epoch")).longValue(), "each acquisition raises the epoch");
    assertEquals(2L, ((DatabaseLease) b).epoch());
  }

  @Test
  void itsHolderKeepsItPastItsTtlByRenewing() throws Exception {
    Lease a = lease("node-a");
    long acquired = System.nanoTime();
    assertTrue(now(a.acquire()));
    await().atMost(Duration.ofSeconds(15)).until(() -> System.nanoTime() - acquired > TTL.multipliedBy(2).toNanos());

    assertTrue(a.checkLease());
    assertFalse(now(lease("node-b").acquire()), "two ttls later the database still shows it held");
    assertEquals(1L, ((Number) column("lease_epoch")).longValue(), "renewed, never acquired again");
  }

  @Test
  void aLeaseWhoseHolderDiedIsTakenWhenItsTermEnds() throws Exception {
    // a holder that stopped renewing (killed) a moment ago: its lease has about a second left
    TestSql.of(db.dataSource()).update("INSERT INTO baton_lease (lease_name, lease_holder, lease_epoch, lease_since,"
        + " lease_until) VALUES (?, 'node-dead', 4, CURRENT_TIMESTAMP(3),"
        + " TIMESTAMPADD(MICROSECOND, 1000000, CURRENT_TIMESTAMP(3)))", SHARD);
    Lease a = lease("node-a");
    assertTrue(now(a.acquire()), "asked again when the dead holder's term ended, within the operation timeout");
    assertEquals("node-a", column("lease_holder"));
    assertEquals(5L, ((DatabaseLease) a).epoch());
  }

  @Test
  void aStatementThatFailsOnceDoesNotFailTheAcquire() throws Exception {
    failNextConnections.set(2); // a connection reset, a pool hiccup
    assertTrue(now(lease("node-a").acquire()), "asked again within the operation timeout");
    assertEquals("node-a", column("lease_holder"));
  }

  @Test
  void itIsLostOnceWhenAnotherOwnerTookIt() throws Exception {
    Lease a = lease("node-a");
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(now(a.acquire(lost::complete)));

    // as if the database had let it expire and another node taken it
    TestSql.of(db.dataSource()).update("UPDATE baton_lease SET lease_holder = 'node-b', lease_epoch = lease_epoch + 1");

    assertEquals(Optional.empty(), lost.get(10, TimeUnit.SECONDS), "lost, and not for an error");
    assertFalse(a.checkLease());
    assertEquals(-1, ((DatabaseLease) a).epoch());
  }

  @Test
  void aPauseLongerThanTheTtlEndsItBeforeTheHolderCanActAgain() throws Exception {
    AtomicLong pausedFor = new AtomicLong();
    LeaseSettings settings = LeaseSettings.apply(system.settings().config().getConfig(CONFIG), SHARD, "node-a");
    DatabaseLease a = new DatabaseLease(settings, LeaseStore.get(system), Adapter.toClassic(system).scheduler(),
        system.executionContext(), () -> System.nanoTime() + pausedFor.get(), () -> true);
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(now(a.acquire(lost::complete)));
    assertTrue(a.checkLease());

    pausedFor.set(TTL.toNanos()); // the process was stopped for a ttl (SIGSTOP, a long GC)
    assertFalse(a.checkLease(), "judged on the monotonic clock the moment it runs again");
    assertEquals(Optional.empty(), lost.get(10, TimeUnit.SECONDS));
  }

  /** A lease whose holder sees another cluster member ({@code othersAlive}) or none. */
  private DatabaseLease direct(String owner, boolean othersAlive) {
    LeaseSettings settings = LeaseSettings.apply(system.settings().config().getConfig(CONFIG), SHARD, owner);
    return new DatabaseLease(settings, LeaseStore.get(system), Adapter.toClassic(system).scheduler(),
        system.executionContext(), System::nanoTime, () -> othersAlive);
  }

  @Test
  void aHolderAloneKeepsItThroughAnOutageWithoutActingAndTakesItBackAfter() throws Exception {
    DatabaseLease a = direct("node-a", false);
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(now(a.acquire(lost::complete)));

    databaseDown.set(true);
    await().atMost(TTL.multipliedBy(2)).until(() -> a.hold() == DatabaseLease.Hold.OVERDUE);
    assertFalse(a.checkLease(), "nothing is done under it while it is not renewed");
    long overdueAt = System.nanoTime();
    await().atMost(TTL.multipliedBy(3)).until(() -> System.nanoTime() - overdueAt > TTL.toNanos());
    assertEquals(DatabaseLease.Hold.OVERDUE, a.hold(), "kept: no other node could have taken it");
    assertFalse(lost.isDone());

    databaseDown.set(false);
    await().atMost(Duration.ofSeconds(10)).until(a::checkLease);
    assertEquals(2L, a.epoch(), "taken back under the next epoch, nobody having held it meanwhile");
    assertFalse(lost.isDone());
  }

  @Test
  void aHolderAloneLosesItWhenAnotherOwnerHeldItMeanwhile() throws Exception {
    DatabaseLease a = direct("node-a", false);
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(now(a.acquire(lost::complete)));

    databaseDown.set(true);
    await().atMost(TTL.multipliedBy(2)).until(() -> a.hold() == DatabaseLease.Hold.OVERDUE);
    TestSql.of(db.dataSource()).update("UPDATE baton_lease SET lease_holder = 'node-b', lease_epoch = lease_epoch + 1,"
        + " lease_until = CURRENT_TIMESTAMP(3)");
    databaseDown.set(false);

    lost.get(10, TimeUnit.SECONDS);
    assertEquals(DatabaseLease.Hold.NONE, a.hold());
  }

  @Test
  void aDatabaseThatDoesNotAnswerEndsItBeforeTheTtlRunsOut() throws Exception {
    DatabaseLease a = direct("node-a", true);
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    long acquired = System.nanoTime();
    assertTrue(now(a.acquire(lost::complete)));

    databaseDown.set(true);
    Optional<Throwable> cause = lost.get(10, TimeUnit.SECONDS);
    long after = System.nanoTime() - acquired;
    assertTrue(cause.isPresent(), "lost for the failed renewals");
    assertTrue(after < TTL.toNanos(), "lost within the ttl, before another owner could take it: " + after / 1_000_000 + " ms");
    assertFalse(a.checkLease());

    databaseDown.set(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> now(a.acquire()));
    assertEquals(2L, ((DatabaseLease) a).epoch(), "once the database is back and its old term over, acquired anew");
  }

  @Test
  void aRenewalWithNoAnswerForAWholeTermMeansTheNodeIsCutOff() throws Exception {
    DatabaseLease a = direct("node-a", true);
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(now(a.acquire(lost::complete)));

    silence.set(new java.util.concurrent.CountDownLatch(1));
    Optional<Throwable> cause = lost.get(10, TimeUnit.SECONDS);
    assertTrue(cause.isPresent(), "no answer for a term is a database away, as a failure is");
    assertTrue(cause.get() instanceof java.util.concurrent.TimeoutException, cause.get().toString());
    silence.get().countDown();
  }

  /**
   * A shard stopped (its region killed, say) while its acquire waited for the database: when the
   * answer comes, the lease is given back, not kept renewed for a shard that no longer exists.
   */
  @Test
  void anAcquireUnderWayWhenItsHolderLetsGoKeepsNothing() throws Exception {
    Lease a = lease("node-a");
    silence.set(new java.util.concurrent.CountDownLatch(1)); // the acquire's statement waits
    java.util.concurrent.CompletionStage<Boolean> acquiring = a.acquire();
    assertTrue(now(a.release()), "nothing held yet: nothing to let go");
    silence.get().countDown();

    assertFalse(now(acquiring), "its holder let go meanwhile");
    await().atMost(Duration.ofSeconds(5)).until(() -> column("lease_holder") == null);
    assertFalse(a.checkLease());
    assertTrue(now(lease("node-b").acquire()), "another owner takes it at once");
  }

  /** The lease table's database, which can be made to refuse connections, or not to answer. */
  private final class SwitchableDataSource extends ForwardingDataSource {
    SwitchableDataSource(javax.sql.DataSource target) {
      super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
      java.util.concurrent.CountDownLatch silent = silence.get();
      if (silent != null) {
        try {
          silent.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLTransientConnectionException("interrupted (test)");
        }
      }
      if (databaseDown.get() || failNextConnections.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new SQLTransientConnectionException("database unreachable (test)");
      }
      return target.getConnection();
    }
  }
}
