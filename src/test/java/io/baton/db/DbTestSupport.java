package io.baton.db;

import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/** {@link TestSql} over a repository's DataSource, for tests that hold one: one value, chain rows. */
final class DbTestSupport {
  private DbTestSupport() {}

  static void exec(DataSource ds, String sql) {
    TestSql.of(ds).update(sql);
  }

  static Object one(DataSource ds, String sql, Object... args) {
    return TestSql.of(ds).one(sql, args);
  }

  /** An original TIMESTAMP column, read the way the repositories read it. */
  static Instant timestamp(DataSource ds, String sql, Object... args) {
    return TestSql.of(ds).query(sql, rs -> {
      rs.next();
      Timestamp t = rs.getTimestamp(1);
      return t == null ? null : t.toInstant();
    }, args);
  }

  static long count(DataSource ds, String sql, Object... args) {
    return ((Number) one(ds, sql, args)).longValue();
  }

  static long insertChain(DataSource ds, String desc, int steps, String timestr, double depOt,
      String sw, int main, int bkp) {
    return TestSql.of(ds).insert("INSERT INTO jobchain_table (job_desc, total_stpes, timestr, dep_ot, `switch`,"
        + " main_flag, BKP_flag) VALUES (?, ?, ?, ?, ?, ?, ?)", desc, steps, timestr, depOt, sw, main, bkp);
  }

  static long insertJob(DataSource ds, long chainId, String command, int step, String ottime) {
    return TestSql.of(ds).insert("INSERT INTO jobtable (env, job_chain_id, job_desc, command, step_lvl,"
        + " ottime) VALUES ('/bin/sh', ?, 'job', ?, ?, ?)", chainId, command, step, ottime);
  }

  static long insertDep(DataSource ds, long chainId, String command, int ottime) {
    return TestSql.of(ds).insert("INSERT INTO deptable (jobchainid, env, command, `desc`, ottime)"
        + " VALUES (?, NULL, ?, 'dep', ?)", chainId, command, ottime);
  }
}
