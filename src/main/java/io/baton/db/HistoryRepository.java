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
      for (String table : new String[] {"job_run", "chain_run"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE end_time < ? LIMIT ?")) {
          Jdbc.setUtc(ps, 1, cutoff);
          ps.setInt(2, batch);
          deleted += ps.executeUpdate();
        }
      }
      return deleted;
    });
  }
}
