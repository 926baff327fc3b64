package io.baton.db;

import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the chain configuration: jobchain_table, jobtable and deptable.
 *
 * <p>{@link #fingerprint()} is the cheap question asked at every catalog poll: per table the
 * row count, the newest entry_time and the sum of ids, which change on insert and delete, and
 * on update through entry_time's ON UPDATE CURRENT_TIMESTAMP. entry_time has one-second
 * resolution, so a second change within the same second as the last poll would go unseen: while
 * the newest entry_time is within {@code recentWindow} of the database's clock, the fingerprint
 * also carries that clock and so differs at every poll (the caller reloads until the tables have
 * been quiet for a while). Callers should still reload fully now and then as a backstop.
 */
public final class CatalogRepository {
  private static final Logger log = LoggerFactory.getLogger(CatalogRepository.class);
  /** Comfortably above the default 2 s poll plus the column's one-second rounding. */
  public static final Duration DEFAULT_RECENT_WINDOW = Duration.ofSeconds(5);

  private static final String FINGERPRINT =
      "SELECT CURRENT_TIMESTAMP(6) AS db_now,"
          + " (SELECT COUNT(*) FROM jobchain_table) AS c_count,"
          + " (SELECT MAX(entry_time) FROM jobchain_table) AS c_max,"
          + " (SELECT SUM(id) FROM jobchain_table) AS c_sum,"
          + " (SELECT COUNT(*) FROM jobtable) AS j_count,"
          + " (SELECT MAX(entry_time) FROM jobtable) AS j_max,"
          + " (SELECT SUM(id) FROM jobtable) AS j_sum,"
          + " (SELECT COUNT(*) FROM deptable) AS d_count,"
          + " (SELECT MAX(entry_time) FROM deptable) AS d_max,"
          + " (SELECT SUM(id) FROM deptable) AS d_sum";

  private final DataSource dataSource;
  private final Duration recentWindow;

  public CatalogRepository(DataSource dataSource) {
    this(dataSource, DEFAULT_RECENT_WINDOW);
  }

  /** {@code recentWindow} should be at least the poll interval plus two seconds. */
  public CatalogRepository(DataSource dataSource, Duration recentWindow) {
    this.dataSource = dataSource;
    this.recentWindow = recentWindow;
  }

  /** Changes whenever the three tables may have changed since the last call (see above). */
  public String fingerprint() {
    return Jdbc.autoCommit(dataSource, "reading the catalog fingerprint", c -> {
      try (PreparedStatement ps = c.prepareStatement(FINGERPRINT);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        StringBuilder fp = new StringBuilder();
        Timestamp newest = null;
        for (String t : new String[] {"c", "j", "d"}) {
          Timestamp max = rs.getTimestamp(t + "_max");
          fp.append(t).append(':').append(rs.getString(t + "_count")).append('/')
              .append(max == null ? "-" : max.toInstant().toString()).append('/')
              .append(rs.getString(t + "_sum")).append(' ');
          if (max != null && (newest == null || max.after(newest))) {
            newest = max;
          }
        }
        Timestamp now = rs.getTimestamp("db_now");
        if (newest != null
            && Duration.between(newest.toInstant(), now.toInstant()).compareTo(recentWindow) < 0) {
          fp.append("recent@").append(now.toInstant());
        }
        return fp.toString().strip();
      }
    });
  }

  /**
   * The chains as read, and for each chain the rows of it that could not be read (a value out of
   * range for its column, say): such a chain must not run half-made, so it is held with them.
   */
  public record Snapshot(List<ChainDefinition> chains, Map<Long, List<String>> unreadableRows) {}

  /** As {@link #load()}, the chains only. */
  public List<ChainDefinition> loadAll() {
    return load().chains();
  }

  /**
   * All chains with their jobs and dependencies, in three queries inside one transaction (one
   * consistent view on InnoDB). A row that cannot be mapped is named in the snapshot against its
   * chain (and logged); one whose chain cannot even be told is logged and left out.
   */
  public Snapshot load() {
    return Jdbc.inTransaction(dataSource, "loading the catalog", c -> {
      Map<Long, ChainRow> chains = chains(c);
      jobs(c, chains);
      dependencies(c, chains);
      List<ChainDefinition> out = new ArrayList<>(chains.size());
      Map<Long, List<String>> unreadable = new LinkedHashMap<>();
      for (ChainRow row : chains.values()) {
        out.add(row.definition());
        if (!row.unreadable.isEmpty()) {
          unreadable.put(row.id, List.copyOf(row.unreadable));
        }
      }
      return new Snapshot(out, unreadable);
    });
  }

  /** The row cannot be read: named against its chain when the chain can be told, else only logged. */
  private static void unreadable(Map<Long, ChainRow> chains, String table, ResultSet rs, String chainColumn,
      Exception e) throws SQLException {
    String what = table + " row id=" + rs.getString("id") + " cannot be read (" + e.getMessage() + ")";
    log.warn("{}", what);
    try {
      ChainRow chain = chains.get(Long.parseLong(rs.getString(chainColumn).strip()));
      if (chain != null) {
        chain.unreadable.add(what);
      }
    } catch (RuntimeException unknownChain) {
      // its chain id itself is out of range: no chain can run it
    }
  }

  private static Map<Long, ChainRow> chains(Connection c) throws SQLException {
    Map<Long, ChainRow> chains = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
            "SELECT id, job_desc, total_stpes, timestr, dep_ot, `switch`, main_flag, BKP_flag"
                + " FROM jobchain_table ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        try {
          String sw = rs.getString("switch");
          ChainRow row = new ChainRow(rs.getLong("id"), rs.getString("job_desc"),
              rs.getInt("total_stpes"), rs.getString("timestr"), floatColumn(rs, "dep_ot"),
              sw != null && sw.strip().toUpperCase(Locale.ROOT).equals("ON"),
              rs.getInt("main_flag") == 1, rs.getInt("BKP_flag") == 1);
          chains.put(row.id, row);
        } catch (SQLException | RuntimeException e) {
          String what = "jobchain_table row id=" + rs.getString("id") + " cannot be read (" + e.getMessage() + ")";
          log.warn("{}", what);
          try { // held under its id with the problem, if the id itself is readable
            ChainRow row = new ChainRow(Long.parseLong(rs.getString("id").strip()), rs.getString("job_desc"), 0,
                rs.getString("timestr"), 0, false, false, false);
            row.unreadable.add(what);
            chains.put(row.id, row);
          } catch (RuntimeException unknownId) {
            // no id to hold it under
          }
        }
      }
    }
    return chains;
  }

  private static void jobs(Connection c, Map<Long, ChainRow> chains) throws SQLException {
    rowsOfChains(c, chains, "jobtable", "job_chain_id", "SELECT id, job_chain_id, env, command, step_lvl, ottime,"
        + " job_desc FROM jobtable ORDER BY job_chain_id, step_lvl, id",
        (rs, chain) -> chain.jobs.add(new JobDefinition(rs.getLong("id"), rs.getString("env"),
            rs.getString("command"), rs.getInt("step_lvl"), rs.getString("ottime"), rs.getString("job_desc"))));
  }

  private static void dependencies(Connection c, Map<Long, ChainRow> chains) throws SQLException {
    rowsOfChains(c, chains, "deptable", "jobchainid", "SELECT id, jobchainid, env, command, ottime, `desc`"
        + " FROM deptable ORDER BY jobchainid, id",
        (rs, chain) -> chain.dependencies.add(new DependencyDefinition(rs.getLong("id"), rs.getString("env"),
            rs.getString("command"), rs.getInt("ottime"), rs.getString("desc"))));
  }

  @FunctionalInterface
  private interface RowOfChain {
    void add(ResultSet rs, ChainRow chain) throws SQLException;
  }

  /**
   * Reads the rows {@code sql} selects from {@code table} and hands each to the chain that
   * {@code chainColumn} names; a row of no known chain is left out, one that cannot be read holds
   * its chain.
   */
  private static void rowsOfChains(Connection c, Map<Long, ChainRow> chains, String table, String chainColumn,
      String sql, RowOfChain row) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        try {
          ChainRow chain = chains.get(rs.getLong(chainColumn));
          if (chain != null) {
            row.add(rs, chain);
          }
        } catch (SQLException | RuntimeException e) {
          unreadable(chains, table, rs, chainColumn, e);
        }
      }
    }
  }

  /** dep_ot is a single-precision FLOAT: read 1.1 as 1.1, not as 1.100000023841858. */
  private static double floatColumn(ResultSet rs, String column) throws SQLException {
    return Double.parseDouble(Float.toString(rs.getFloat(column)));
  }

  /** A jobchain_table row while its jobs and dependencies are being collected. */
  private record ChainRow(long id, String description, int totalSteps, String timestr,
      double depOt, boolean switchOn, boolean mainFlag, boolean bkpFlag,
      List<JobDefinition> jobs, List<DependencyDefinition> dependencies, List<String> unreadable) {
    ChainRow(long id, String description, int totalSteps, String timestr, double depOt,
        boolean switchOn, boolean mainFlag, boolean bkpFlag) {
      this(id, description, totalSteps, timestr, depOt, switchOn, mainFlag, bkpFlag,
          new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    ChainDefinition definition() {
      return new ChainDefinition(id, description, totalSteps, timestr, depOt, switchOn,
          mainFlag, bkpFlag, jobs, dependencies);
    }
  }
}
