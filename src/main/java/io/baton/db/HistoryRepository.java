package io.baton.db;

import java.sql.PreparedStatement;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Prunes chain_run and job_run rows of runs that ended before a cut-off, a small batch per call:
 * each call is one short statement per table, so pruning never holds locks long.
 */
public final class HistoryRepository {
  private final DataSource dataSource;

  public HistoryRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Deletes at most {@code batch} rows of each table that ended before {@code cutoff}; rows deleted. */
  public int pruneEndedBefore(Instant cutoff, int batch) {
    return Jdbc.inTransaction(dataSource, "pruning run history", c -> {
      int deleted = 0;
      // a process is pruned with its run: never while the run goes on, however long ago the process ended
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM job_run WHERE end_time < ? AND NOT EXISTS"
          + " (SELECT 1 FROM chain_run r WHERE r.run_id = job_run.run_id AND (r.end_time IS NULL OR r.end_time >= ?))"
          + " LIMIT ?")) {
        Jdbc.setUtc(ps, 1, cutoff);
        Jdbc.setUtc(ps, 2, cutoff);
        ps.setInt(3, batch);
        deleted += ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM chain_run WHERE end_time < ? LIMIT ?")) {
        Jdbc.setUtc(ps, 1, cutoff);
        ps.setInt(2, batch);
        deleted += ps.executeUpdate();
      }
      return deleted;
    });
  }

  /** Of these runs, those whose rows are kept: still open, or ended at or after {@code cutoff}. */
  public java.util.Set<Long> runsToKeep(java.util.Set<Long> runIds, Instant cutoff) {
    if (runIds.isEmpty()) {
      return java.util.Set.of();
    }
    String in = String.join(", ", java.util.Collections.nCopies(runIds.size(), "?"));
    return Jdbc.autoCommit(dataSource, "reading which runs keep their logs", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT run_id FROM chain_run WHERE run_id IN (" + in + ")"
          + " AND (end_time IS NULL OR end_time >= ?)")) {
        int i = 1;
        for (Long id : runIds) {
          ps.setLong(i++, id);
        }
        Jdbc.setUtc(ps, i, cutoff);
        java.util.Set<Long> keep = new java.util.HashSet<>();
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keep.add(rs.getLong(1));
          }
        }
        return keep;
      }
    });
  }
}
