package io.baton.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** Reads of the run read model (chain_run, job_run) for the operator's surface. */
public final class RunHistory {
  /** One chain_run row; {@code end} and {@code rerunOf} may be null. */
  public record Run(long runId, long chainId, String trigger, Instant scheduled, Instant start, Instant end,
      String status, String node, Long rerunOf) {}

  /** One job_run row: a job execution ({@code JOB}) or one dependency check ({@code DEP}). */
  public record Process(String kind, long refId, Integer stepLevel, int attempt, Instant start, Instant end,
      Integer exitCode, String status, Long pid, String logPath, String node) {}

  private static final String RUN_COLUMNS =
      "run_id, chain_id, trigger_type, scheduled_time, start_time, end_time, status, node, rerun_of";

  private final DataSource dataSource;

  public RunHistory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Newest first; {@code chainId} and {@code status} narrow the list when not null. */
  public List<Run> recent(Long chainId, String status, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM chain_run WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (chainId != null) {
      sql.append(" AND chain_id = ?");
      args.add(chainId);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status);
    }
    sql.append(" ORDER BY start_time DESC, run_id DESC LIMIT ?");
    args.add(limit);
    return Jdbc.autoCommit(dataSource, "reading runs", c -> runs(c, sql.toString(), args));
  }

  public Optional<Run> run(long runId) {
    return Jdbc.autoCommit(dataSource, "reading run " + runId, c ->
        runs(c, "SELECT " + RUN_COLUMNS + " FROM chain_run WHERE run_id = ?", List.of(runId)).stream().findFirst());
  }

  /** The processes of a run in the order they started. */
  public List<Process> processes(long runId) {
    return Jdbc.autoCommit(dataSource, "reading the processes of run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT kind, ref_id, step_lvl, attempt, start_time, end_time,"
          + " exit_code, status, pid, log_path, node FROM job_run WHERE run_id = ? ORDER BY start_time, id")) {
        ps.setLong(1, runId);
        List<Process> found = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(new Process(rs.getString("kind"), rs.getLong("ref_id"), nullableInt(rs, "step_lvl"),
                rs.getInt("attempt"), Jdbc.getUtc(rs, "start_time"), Jdbc.getUtc(rs, "end_time"),
                nullableInt(rs, "exit_code"), rs.getString("status"), nullableLong(rs, "pid"),
                rs.getString("log_path"), rs.getString("node")));
          }
        }
        return found;
      }
    });
  }

  /**
   * Every run of {@code run}'s slot: the first run it continues (following rerun_of up) and every
   * rerun that continues it, at any depth, in the order they started.
   */
  public List<Run> slotOf(Run run) {
    Run first = run;
    Set<Long> seen = new HashSet<>();
    while (first.rerunOf() != null && seen.add(first.runId())) {
      Run earlier = run(first.rerunOf()).orElse(null);
      if (earlier == null) {
        break; // pruned: the slot starts with what is left
      }
      first = earlier;
    }
    List<Run> slot = new ArrayList<>(List.of(first));
    List<Long> frontier = List.of(first.runId());
    while (!frontier.isEmpty() && slot.size() < 10_000) {
      String in = frontier.stream().map(id -> "?").collect(Collectors.joining(", "));
      List<Object> args = new ArrayList<>(frontier);
      List<Run> next = Jdbc.autoCommit(dataSource, "reading reruns", c ->
          runs(c, "SELECT " + RUN_COLUMNS + " FROM chain_run WHERE rerun_of IN (" + in + ")", args));
      slot.addAll(next);
      frontier = next.stream().map(Run::runId).toList();
    }
    slot.sort(java.util.Comparator.comparing(Run::start));
    return slot;
  }

  /** The latest run of each of these chains that has one. */
  public Map<Long, Run> lastRuns(Collection<Long> chainIds) {
    if (chainIds.isEmpty()) {
      return Map.of();
    }
    String in = chainIds.stream().map(id -> "?").collect(Collectors.joining(", "));
    List<Object> args = new ArrayList<>(chainIds);
    return Jdbc.autoCommit(dataSource, "reading the last runs", c -> {
      Map<Long, Run> last = new HashMap<>();
      for (Run run : runs(c, "SELECT " + RUN_COLUMNS + " FROM chain_run WHERE run_id IN (SELECT MAX(run_id)"
          + " FROM chain_run WHERE chain_id IN (" + in + ") GROUP BY chain_id)", args)) {
        last.put(run.chainId(), run);
      }
      return last;
    });
  }

  /** Chains with a run not ended. */
  public Set<Long> chainsRunning() {
    return Jdbc.autoCommit(dataSource, "reading the running chains", c -> {
      Set<Long> running = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT chain_id FROM chain_run WHERE end_time IS NULL");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          running.add(rs.getLong(1));
        }
      }
      return running;
    });
  }

  private static List<Run> runs(Connection c, String sql, List<Object> args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<Run> found = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(new Run(rs.getLong("run_id"), rs.getLong("chain_id"), rs.getString("trigger_type"),
              Jdbc.getUtc(rs, "scheduled_time"), Jdbc.getUtc(rs, "start_time"), Jdbc.getUtc(rs, "end_time"),
              rs.getString("status"), rs.getString("node"), nullableLong(rs, "rerun_of")));
        }
      }
      return found;
    }
  }

  private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
