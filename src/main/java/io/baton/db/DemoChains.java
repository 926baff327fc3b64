package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three chains that show a new user, within the first minute, a success, a dependency that
 * makes a run wait, and a failure. Offered once per database: baton_meta records the offer,
 * so chains an operator deleted do not come back at the next start. The scripts they name are
 * in jobs/ and dependent/ at the project root.
 */
public final class DemoChains {
  private static final Logger log = LoggerFactory.getLogger(DemoChains.class);
  static final String META_KEY = "demo_chains";
  private static final String ENV = "/bin/sh";

  private DemoChains() {}

  /** Installs the demo chains if never offered before and jobchain_table is empty. */
  public static boolean installIfEmpty(DataSource dataSource) {
    return Jdbc.inTransaction(dataSource, "installing the demo chains", c -> {
      if (alreadyOffered(c)) {
        return false;
      }
      boolean empty;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM jobchain_table")) {
        rs.next();
        empty = rs.getLong(1) == 0;
      }
      if (empty) {
        install(c);
        log.info("Installed three demo chains (tag 'demo'); switch them OFF or delete them at will");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO baton_meta (meta_key, meta_value, updated_at) VALUES (?, ?, ?)")) {
        ps.setString(1, META_KEY);
        ps.setString(2, empty ? "installed" : "skipped: chains present");
        Jdbc.setUtc(ps, 3, Instant.now());
        ps.executeUpdate();
      }
      return empty;
    });
  }

  private static boolean alreadyOffered(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT meta_value FROM baton_meta WHERE meta_key = ? FOR UPDATE")) {
      ps.setString(1, META_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void install(Connection c) throws SQLException {
    long ok = chain(c, "demo: succeeds every minute", 2, "* * * * *", 0);
    job(c, ok, "hello.sh", 1, "say hello");
    job(c, ok, "ok.sh", 2, "succeed");

    // The dependency passes at its second check, one poll interval (30 s) after the first;
    // dep_ot = 2 minutes leaves room for a longer poll interval.
    long waits = chain(c, "demo: waits for a dependency", 1, "* * * * *", 2);
    dependency(c, waits, "second_check.sh", 10, "passes at the 2nd check");
    job(c, waits, "ok.sh", 1, "succeed");

    long fails = chain(c, "demo: fails", 1, "* * * * *", 0);
    job(c, fails, "fail.sh", 1, "exit 3 with an error");
  }

  /** main_flag and BKP_flag both 1: the demo runs whichever site the node is configured for. */
  private static long chain(Connection c, String desc, int steps, String timestr, double depOt)
      throws SQLException {
    return Jdbc.insert(c, "INSERT INTO jobchain_table (job_desc, total_stpes, timestr, dep_ot, `switch`,"
        + " main_flag, BKP_flag, tag, subtag) VALUES (?, ?, ?, ?, 'ON', 1, 1, 'demo', NULL)",
        desc, steps, timestr, depOt).orElseThrow();
  }

  private static void job(Connection c, long chainId, String command, int step, String desc)
      throws SQLException {
    Jdbc.update(c, "INSERT INTO jobtable (env, job_chain_id, job_desc, command, step_lvl, ottime)"
        + " VALUES (?, ?, ?, ?, ?, '60')", ENV, chainId, desc, command, step);
  }

  private static void dependency(Connection c, long chainId, String command, int ottime,
      String desc) throws SQLException {
    Jdbc.update(c, "INSERT INTO deptable (jobchainid, env, command, `desc`, ottime) VALUES (?, ?, ?, ?, ?)",
        chainId, ENV, command, desc, ottime);
  }
}
