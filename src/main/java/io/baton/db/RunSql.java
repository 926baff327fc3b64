package io.baton.db;

import io.baton.db.RunRecord.DependenciesPassed;
import io.baton.db.RunRecord.ProcessFinished;
import io.baton.db.RunRecord.ProcessStarted;
import io.baton.db.RunRecord.RunFinished;
import io.baton.db.RunRecord.RunStarted;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The statements behind {@link RunRepository}, one method per kind of record, batched. */
final class RunSql {
  private RunSql() {}

  /**
   * The first RunStarted of a run, written as it began, keeps its start facts (where and when it
   * really began); a re-applied one (a resumed run, a rewrite after restart) adds only what was
   * missing, and never reopens an ended run.
   */
  private static final String UPSERT_CHAIN_RUN =
      "INSERT INTO chain_run (run_id, chain_id, trigger_type, scheduled_time, start_time,"
          + " status, node, epoch, dep_pass_ts, rerun_of) VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?)"
          + " ON DUPLICATE KEY UPDATE dep_pass_ts = COALESCE(dep_pass_ts, VALUES(dep_pass_ts))";

  /**
   * jobchain_lst_run holds the chain's latest run only. These guards keep an older run's late
   * or replayed record from overwriting it: LATEST = no run of the chain started after this one;
   * LATEST_OPEN = that, and this run has not ended yet. jobchain_id is indexed by Baton's own
   * migration (V10): a write locks that chain's index entries and the gap next to them, not the
   * whole table.
   */
  private static final String LATEST =
      " AND NOT EXISTS (SELECT 1 FROM chain_run r WHERE r.chain_id = ?"
          + " AND r.start_time > (SELECT s.start_time FROM chain_run s WHERE s.run_id = ?))";
  private static final String LATEST_OPEN =
      " AND NOT EXISTS (SELECT 1 FROM chain_run r WHERE r.chain_id = ?"
          + " AND (r.start_time > (SELECT s.start_time FROM chain_run s WHERE s.run_id = ?)"
          + " OR (r.run_id = ? AND r.end_time IS NOT NULL)))";

  /** Binds {@code jobchain_id = ?} and the {@link #LATEST} guard after it, from {@code index} on. */
  private static void latest(PreparedStatement ps, int index, long chainId, long runId) throws SQLException {
    ps.setLong(index, chainId);
    ps.setLong(index + 1, chainId);
    ps.setLong(index + 2, runId);
  }

  /** Binds {@code jobchain_id = ?} and the {@link #LATEST_OPEN} guard after it, from {@code index} on. */
  private static void latestOpen(PreparedStatement ps, int index, long chainId, long runId) throws SQLException {
    latest(ps, index, chainId, runId);
    ps.setLong(index + 3, runId);
  }

  private static final String LAST_RUN_STARTED =
      "UPDATE jobchain_lst_run SET last_run_start = ?, last_run_end = NULL,"
          + " status = 'RUNNING...', pid = NULL, dep_pass_ts = ? WHERE jobchain_id = ?"
          + LATEST_OPEN;

  /** A re-applied start (a node resuming the run) keeps the node and epoch that started the process. */
  private static final String UPSERT_JOB_RUN =
      "INSERT INTO job_run (run_id, chain_id, kind, ref_id, step_lvl, attempt, start_time,"
          + " status, pid, log_path, node, epoch) VALUES (?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?)"
          + " ON DUPLICATE KEY UPDATE chain_id = VALUES(chain_id), step_lvl = VALUES(step_lvl),"
          // a start written without pid (not confirmed) never hides the one its node confirmed
          + " start_time = CASE WHEN VALUES(pid) IS NULL THEN start_time ELSE VALUES(start_time) END,"
          + " pid = COALESCE(VALUES(pid), pid), log_path = COALESCE(VALUES(log_path), log_path)";

  static void runsStarted(Connection c, List<RunStarted> records) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPSERT_CHAIN_RUN)) {
      for (RunStarted r : records) {
        ps.setLong(1, r.runId());
        ps.setLong(2, r.chainId());
        ps.setString(3, r.triggerType());
        Jdbc.setUtc(ps, 4, r.scheduledTime());
        Jdbc.setUtc(ps, 5, r.startTime());
        ps.setString(6, r.node());
        Jdbc.setNullableLong(ps, 7, r.epoch());
        Jdbc.setUtc(ps, 8, r.dependenciesPassedAt());
        Jdbc.setNullableLong(ps, 9, r.rerunOf());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    for (RunStarted r : records) {
      lastRunStarted(c, r);
    }
  }

  /**
   * No unique key on jobchain_id in the original table: UPDATE, and INSERT only when the chain
   * has no row at all. Under InnoDB's repeatable read (the server's default, which Baton keeps) an
   * UPDATE that finds no row locks the gap where the chain's row would go, so two writers racing to
   * insert deadlock (and one is retried) rather than both inserting. Chains whose ids share that gap
   * may wait for each other in their first run too; later runs update existing rows.
   */
  private static void lastRunStarted(Connection c, RunStarted r) throws SQLException {
    try (PreparedStatement up = c.prepareStatement(LAST_RUN_STARTED)) {
      Jdbc.setTimestamp(up, 1, r.startTime());
      Jdbc.setTimestamp(up, 2, r.dependenciesPassedAt());
      latestOpen(up, 3, r.chainId(), r.runId());
      if (up.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement count =
        c.prepareStatement("SELECT COUNT(*) FROM jobchain_lst_run WHERE jobchain_id = ?")) {
      count.setLong(1, r.chainId());
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return; // a newer run owns the row, or this run already ended: leave it
        }
      }
    }
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO jobchain_lst_run (jobchain_id, last_run_start, last_run_end, pid, status,"
            + " dep_pass_ts) VALUES (?, ?, NULL, NULL, 'RUNNING...', ?)")) {
      ins.setLong(1, r.chainId());
      Jdbc.setTimestamp(ins, 2, r.startTime());
      Jdbc.setTimestamp(ins, 3, r.dependenciesPassedAt());
      ins.executeUpdate();
    }
  }

  static void dependenciesPassed(Connection c, List<DependenciesPassed> records)
      throws SQLException {
    try (PreparedStatement run = c.prepareStatement(
            "UPDATE chain_run SET dep_pass_ts = ? WHERE run_id = ?");
        PreparedStatement last = c.prepareStatement(
            "UPDATE jobchain_lst_run SET dep_pass_ts = ? WHERE jobchain_id = ?" + LATEST_OPEN)) {
      for (DependenciesPassed r : records) {
        Jdbc.setUtc(run, 1, r.at());
        run.setLong(2, r.runId());
        run.addBatch();
        Jdbc.setTimestamp(last, 1, r.at());
        latestOpen(last, 2, r.chainId(), r.runId());
        last.addBatch();
      }
      run.executeBatch();
      last.executeBatch();
    }
  }

  /** jobchain_lst_run.pid follows the most recently started job (not dependency checks). */
  static void processesStarted(Connection c, List<ProcessStarted> records) throws SQLException {
    try (PreparedStatement job = c.prepareStatement(UPSERT_JOB_RUN);
        PreparedStatement pid = c.prepareStatement(
            "UPDATE jobchain_lst_run SET pid = ? WHERE jobchain_id = ?" + LATEST_OPEN)) {
      boolean anyJob = false;
      for (ProcessStarted r : records) {
        job.setLong(1, r.runId());
        job.setLong(2, r.chainId());
        job.setString(3, r.kind());
        job.setLong(4, r.refId());
        Jdbc.setNullableInt(job, 5, r.stepLvl());
        job.setInt(6, r.attempt());
        Jdbc.setUtc(job, 7, r.start());
        Jdbc.setNullableLong(job, 8, r.pid() > 0 ? r.pid() : null); // 0: a start that was not confirmed
        job.setString(9, r.logPath());
        job.setString(10, r.node());
        Jdbc.setNullableLong(job, 11, r.epoch());
        job.addBatch();
        if ("JOB".equals(r.kind()) && r.pid() > 0) {
          pid.setLong(1, r.pid());
          latestOpen(pid, 2, r.chainId(), r.runId());
          pid.addBatch();
          anyJob = true;
        }
      }
      job.executeBatch();
      if (anyJob) {
        pid.executeBatch();
      }
    }
  }

  static void processesFinished(Connection c, List<ProcessFinished> records) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE job_run SET end_time = ?, exit_code = ?, status = ?"
            + " WHERE run_id = ? AND kind = ? AND ref_id = ? AND attempt = ?")) {
      for (ProcessFinished r : records) {
        Jdbc.setUtc(ps, 1, r.end());
        Jdbc.setNullableInt(ps, 2, r.exitCode());
        ps.setString(3, r.status());
        ps.setLong(4, r.runId());
        ps.setString(5, r.kind());
        ps.setLong(6, r.refId());
        ps.setInt(7, r.attempt());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static void runsFinished(Connection c, List<RunFinished> records) throws SQLException {
    try (PreparedStatement run = c.prepareStatement(
            "UPDATE chain_run SET end_time = ?, status = ? WHERE run_id = ?");
        PreparedStatement last = c.prepareStatement(
            "UPDATE jobchain_lst_run SET last_run_end = ?, status = ? WHERE jobchain_id = ?"
                + LATEST)) {
      for (RunFinished r : records) {
        Jdbc.setUtc(run, 1, r.end());
        run.setString(2, r.status());
        run.setLong(3, r.runId());
        run.addBatch();
        Jdbc.setTimestamp(last, 1, r.end());
        last.setString(2, r.status());
        latest(last, 3, r.chainId(), r.runId());
        last.addBatch();
      }
      run.executeBatch();
      last.executeBatch();
    }
  }

  static void chainsAsleep(Connection c, List<RunRecord.ChainAsleep> asleep) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE baton_awake_chain SET awake = 0, wake_at = ?, fires_from = ? WHERE chain_id = ? AND wake_token = ?")) {
      for (RunRecord.ChainAsleep a : asleep) {
        Jdbc.setUtc(ps, 1, a.wakeAt());
        Jdbc.setUtc(ps, 2, a.firesFrom());
        ps.setLong(3, a.chainId());
        ps.setLong(4, a.token());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static void chainsForgotten(Connection c, List<RunRecord.ChainForgotten> gone) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM baton_awake_chain WHERE chain_id = ?")) {
      for (RunRecord.ChainForgotten g : gone) {
        ps.setLong(1, g.chainId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
