package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.RunsAlone;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server whose zone has DST must not stretch or shrink the leader lease: the lease is taken
 * seconds before Europe/Paris changes its clocks (the server's clock is set there for the
 * session), and the instant it expires is exactly one ttl later.
 */
@RunsAlone
class LeaseTimeZoneIT {
  private static final Duration TTL = Duration.ofSeconds(10);
  private String url;
  private Database db;
  private String globalZone;

  @BeforeEach
  void setUp() throws SQLException {
    assertTrue(zoneTablesLoaded(), "the server has its time zone tables (.ci/run loads them: mariadb-tzinfo-to-sql)");
    globalZone = adminValue("SELECT @@global.time_zone");
    TestDatabases.admin("SET GLOBAL time_zone = 'Europe/Paris'"); // the operator's server
    url = TestDatabases.createMariaDb();
    db = Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null);
  }

  @AfterEach
  void tearDown() {
    if (globalZone != null) {
      TestDatabases.admin("SET GLOBAL time_zone = '" + globalZone + "'");
    }
    if (db != null) {
      db.close();
      TestDatabases.drop(url);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-03-29T00:59:55Z", "2026-10-25T00:59:55Z"}) // 5 s before spring forward, fall back
  void theLeaseLastsExactlyOneTtlAcrossADstChangeOfTheServersZone(String at) throws SQLException {
    long now = Instant.parse(at).getEpochSecond();
    DataSource atThatInstant = new ClockSetDataSource(db.dataSource(), now);
    LeaseRepository leases = new LeaseRepository(atThatInstant);

    LeaseRepository.Lease lease = leases.takeOrRenew("node-a", "main", -1, TTL, false);

    assertEquals("node-a", lease.holder());
    try (Connection c = atThatInstant.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT UNIX_TIMESTAMP(lease_until) FROM realtime_status"
            + " WHERE name = '" + LeaseRepository.LEASE_ROW + "'")) {
      rs.next();
      assertEquals(now + TTL.toSeconds(), rs.getBigDecimal(1).longValue(), "lease_until is one ttl after the instant it was taken");
    }
    assertEquals(TTL.toSeconds(), Math.round(lease.expiresIn().toMillis() / 1000.0));
  }

  private static boolean zoneTablesLoaded() {
    try {
      return !"0".equals(adminValue("SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = 'Europe/Paris'"));
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private static String adminValue(String sql) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:mysql://" + TestDatabases.HOST + "/",
            TestDatabases.USER, TestDatabases.PASSWORD);
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The node's own connections, with the server's clock set to {@code epochSecond} (MariaDB's SET timestamp). */
  private static final class ClockSetDataSource extends ForwardingDataSource {
    private final long epochSecond;

    ClockSetDataSource(DataSource target, long epochSecond) {
      super(target);
      this.epochSecond = epochSecond;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = target.getConnection();
      try (Statement st = c.createStatement()) {
        st.execute("SET timestamp = " + epochSecond);
      }
      return c;
    }
  }
}
