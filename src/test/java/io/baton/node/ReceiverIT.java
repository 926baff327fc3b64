package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.db.Database;
import io.baton.db.ForwardingDataSource;
import io.baton.db.RunRecord;
import io.baton.db.RunRepository;
import io.baton.db.TestDatabases;
import io.baton.db.TestSql;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Receiver writes every outcome, whatever error the database answers in between: errors are
 * injected into its writes on a real MariaDB database (and a real lock wait is provoked), and the
 * rows an operator reads are checked once it says everything is written.
 */
class ReceiverIT {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private String url;
  private Database db;

  @BeforeEach
  void setUp() {
    url = TestDatabases.createMariaDb();
    db = Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null);
  }

  @AfterEach
  void tearDown() {
    blocking.shutdownNow();
    db.close();
    TestDatabases.drop(url);
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  /** Errors a server answers for a while, each named for the test's display name. */
  static Stream<Named<Supplier<SQLException>>> passingErrors() {
    return Stream.of(
        error("a read-only server", () -> new SQLException(
            "The MariaDB server is running with the --read-only option so it cannot execute this statement", "HY000", 1290)),
        error("a lock wait timeout", () -> new SQLException(
            "Lock wait timeout exceeded; try restarting transaction", "HY000", 1205)),
        error("a statement timeout", () -> new SQLTimeoutException(
            "Query execution was interrupted (max_statement_time exceeded)", "70100", 1969)),
        error("connections moving to another host", () -> new SQLNonTransientConnectionException(
            "Communications link failure during rollback(). Transaction resolution unknown.", "08007", 0)));
  }

  private static Named<Supplier<SQLException>> error(String name, Supplier<SQLException> error) {
    return Named.of(name, error);
  }

  @ParameterizedTest(name = "{0} delays outcomes but loses none")
  @MethodSource("passingErrors")
  void anErrorThatPassesDelaysOutcomesButLosesNone(Supplier<SQLException> error) {
    writeOneRunThrough(failing(3, error));
  }

  @Test
  void aRealLockWaitTimeoutDelaysOutcomesButLosesNone() throws Exception {
    long runId = 4242;
    new RunRepository(db.dataSource()).runStarted(runId, 7, "SCHEDULE", Instant.now(), Instant.now(), "node-a", 1L);
    try (Connection holder = DriverManager.getConnection(url, TestDatabases.USER, TestDatabases.PASSWORD)) {
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.executeQuery("SELECT * FROM chain_run WHERE run_id = " + runId + " FOR UPDATE").close();
      }
      DataSource shortWaits = withSessionSetting(db.dataSource(), "SET SESSION innodb_lock_wait_timeout = 1");
      ActorRef<Receiver.Command> receiver = testKit.spawn(Receiver.create(new RunRepository(shortWaits), blocking, NodeMetrics.get(testKit.system())));
      receiver.tell(new Receiver.Write(new RunRecord.RunFinished(runId, 7, Instant.now(), "SUCCESS")));
      // the update waits on the lock, times out (1205) and is tried again, more than once
      TestProbe<Receiver.Flushed> probe = testKit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(20), () -> {
        receiver.tell(new Receiver.Flush(probe.getRef()));
        probe.expectNoMessage(Duration.ofMillis(2500));
        return null;
      });
      holder.rollback();
      receiver.tell(new Receiver.Flush(probe.getRef()));
      probe.expectMessageClass(Receiver.Flushed.class, PATIENCE);
    }
    assertEquals("SUCCESS", value("SELECT status FROM chain_run WHERE run_id = ?", runId));
  }

  @Test
  void aRecordTheDatabaseRejectsIsSetAsideAndTheOthersAreWritten() {
    ActorRef<Receiver.Command> receiver = testKit.spawn(Receiver.create(new RunRepository(db.dataSource()), blocking, NodeMetrics.get(testKit.system())));
    Instant t = Instant.now();
    receiver.tell(new Receiver.Write(new RunRecord.RunStarted(1, 7, "SCHEDULE", t, t, "node-a", 1L, t)));
    // a node name longer than the column: 22001, data too long, on every attempt
    receiver.tell(new Receiver.Write(new RunRecord.RunStarted(2, 7, "SCHEDULE", t, t, "n".repeat(5000), 1L, t)));
    receiver.tell(new Receiver.Write(new RunRecord.RunFinished(1, 7, t, "SUCCESS")));
    TestProbe<Receiver.Flushed> probe = testKit.createTestProbe();
    receiver.tell(new Receiver.Flush(probe.getRef()));
    probe.expectMessageClass(Receiver.Flushed.class, PATIENCE);
    assertEquals("SUCCESS", value("SELECT status FROM chain_run WHERE run_id = ?", 1));
    assertEquals(null, value("SELECT status FROM chain_run WHERE run_id = ?", 2));
  }

  /** A run of one job, as a chain records it, written through {@code dataSource}. */
  private void writeOneRunThrough(FailingDataSource dataSource) {
    ActorRef<Receiver.Command> receiver = testKit.spawn(Receiver.create(new RunRepository(dataSource), blocking, NodeMetrics.get(testKit.system())));
    long runId = 1000;
    Instant t = Instant.now();
    receiver.tell(new Receiver.Write(new RunRecord.RunStarted(runId, 7, "SCHEDULE", t, t, "node-a", 1L, t)));
    receiver.tell(new Receiver.Write(new RunRecord.ProcessStarted(runId, 7, "JOB", 70, 1, 1, t, 123, "/tmp/x.log",
        "node-a", 1L)));
    receiver.tell(new Receiver.Write(new RunRecord.ProcessFinished(runId, "JOB", 70, 1, t, 0, "SUCCESS")));
    receiver.tell(new Receiver.Write(new RunRecord.RunFinished(runId, 7, t, "SUCCESS")));
    TestProbe<Receiver.Flushed> probe = testKit.createTestProbe();
    receiver.tell(new Receiver.Flush(probe.getRef()));
    probe.expectMessageClass(Receiver.Flushed.class, PATIENCE);

    assertTrue(dataSource.failed.get() >= 3, "the injected errors were met: " + dataSource.failed.get());
    assertEquals("SUCCESS", value("SELECT status FROM chain_run WHERE run_id = ?", runId));
    assertEquals("SUCCESS", value("SELECT status FROM job_run WHERE run_id = ? AND ref_id = 70 AND attempt = 1", runId));
    assertEquals(0, ((Number) value("SELECT exit_code FROM job_run WHERE run_id = ?", runId)).intValue());
  }

  private Object value(String sql, Object arg) {
    return TestSql.of(db.dataSource()).one(sql, arg);
  }

  private FailingDataSource failing(int times, Supplier<SQLException> error) {
    return new FailingDataSource(db.dataSource(), times, error);
  }

  /** The first {@code times} statements executed through it fail with {@code error}, as the server would answer. */
  private static final class FailingDataSource extends DelegatingDataSource {
    final AtomicInteger failed = new AtomicInteger();
    private final int times;
    private final Supplier<SQLException> error;

    FailingDataSource(DataSource target, int times, Supplier<SQLException> error) {
      super(target);
      this.times = times;
      this.error = error;
    }

    @Override
    Object onStatement(String method, Call proceed) throws Throwable {
      if (method.startsWith("execute") && failed.getAndIncrement() < times) {
        throw error.get();
      }
      return proceed.run();
    }
  }

  private static DataSource withSessionSetting(DataSource target, String sql) {
    return new DelegatingDataSource(target) {
      @Override
      Connection opened(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
          st.execute(sql);
        }
        return c;
      }
    };
  }

  /** A DataSource whose connections and statements can be intercepted. */
  private static class DelegatingDataSource extends ForwardingDataSource {
    DelegatingDataSource(DataSource target) {
      super(target);
    }

    Connection opened(Connection c) throws SQLException {
      return c;
    }

    Object onStatement(String method, Call proceed) throws Throwable {
      return proceed.run();
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection real = opened(target.getConnection());
      return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            if (result instanceof PreparedStatement ps) {
              return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
                  (p, m, a) -> onStatement(m.getName(), () -> invoke(ps, m, a)));
            }
            return result;
          });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  private interface Call {
    Object run() throws Throwable;
  }
}
