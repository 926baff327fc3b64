package io.baton.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Inserts a workload's chains with SQL, as an operator would, in batches. */
final class ChainLoader {
  private ChainLoader() {}

  /** {@code count} chains of {@code levels} x {@code jobsPerLevel} jobs (jobs/ok.sh), ids 1..count. */
  static void chains(BenchDatabase db, int count, int levels, int jobsPerLevel, String timestr, boolean dependency)
      throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement chain = c.prepareStatement("INSERT INTO jobchain_table (id, job_desc, total_stpes,"
              + " timestr, dep_ot, switch) VALUES (?, ?, ?, ?, ?, 'ON')");
          PreparedStatement job = c.prepareStatement("INSERT INTO jobtable (job_chain_id, env, command, step_lvl,"
              + " ottime) VALUES (?, NULL, 'ok.sh', ?, '60')");
          PreparedStatement dep = c.prepareStatement("INSERT INTO deptable (jobchainid, env, command, ottime)"
              + " VALUES (?, NULL, 'second.sh', 10)")) {
        for (int id = 1; id <= count; id++) {
          chain.setInt(1, id);
          chain.setString(2, "bench " + id);
          chain.setInt(3, levels);
          chain.setString(4, timestr);
          chain.setDouble(5, dependency ? 1 : 0);
          chain.addBatch();
          for (int level = 1; level <= levels; level++) {
            for (int j = 0; j < jobsPerLevel; j++) {
              job.setInt(1, id);
              job.setInt(2, level);
              job.addBatch();
            }
          }
          if (dependency) {
            dep.setInt(1, id);
            dep.addBatch();
          }
          if (id % 2000 == 0 || id == count) {
            chain.executeBatch();
            job.executeBatch();
            if (dependency) {
              dep.executeBatch();
            }
            c.commit();
          }
        }
      }
    }
  }

  /** A Quartz expression that fires exactly once, at {@code at} (whole second) in the node's zone. */
  static String once(ZonedDateTime at) {
    ZonedDateTime t = at.withZoneSameInstant(ZoneId.systemDefault());
    return t.getSecond() + " " + t.getMinute() + " " + t.getHour() + " " + t.getDayOfMonth() + " "
        + t.getMonthValue() + " ? " + t.getYear();
  }
}
