package io.baton.db;

import io.baton.db.RunRecord.DependenciesPassed;
import io.baton.db.RunRecord.Message;
import io.baton.db.RunRecord.ProcessFinished;
import io.baton.db.RunRecord.ProcessStarted;
import io.baton.db.RunRecord.RunFinished;
import io.baton.db.RunRecord.RunStarted;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The run read model: chain_run and job_run (Baton's) and jobchain_lst_run / schedulerMessage
 * (the original's), written from a chain's events. Each call is one short transaction, and
 * applying the same record again changes nothing, so a writer may replay after a failure.
 */
public final class RunRepository {
  private final DataSource dataSource;

  public RunRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void runStarted(long runId, long chainId, String triggerType, Instant scheduledTime,
      Instant startTime, String node, Long epoch) {
    apply(List.of(
        new RunStarted(runId, chainId, triggerType, scheduledTime, startTime, node, epoch, null)));
  }

  public void dependenciesPassed(long runId, long chainId, Instant at) {
    apply(List.of(new DependenciesPassed(runId, chainId, at)));
  }

  public void processStarted(long runId, long chainId, String kind, long refId, Integer stepLvl,
      int attempt, Instant start, long pid, String logPath, String node, Long epoch) {
    apply(List.of(new ProcessStarted(
        runId, chainId, kind, refId, stepLvl, attempt, start, pid, logPath, node, epoch)));
  }

  public void processFinished(long runId, String kind, long refId, int attempt, Instant end,
      Integer exitCode, String status) {
    apply(List.of(new ProcessFinished(runId, kind, refId, attempt, end, exitCode, status)));
  }

  public void runFinished(long runId, long chainId, Instant end, String status) {
    apply(List.of(new RunFinished(runId, chainId, end, status)));
  }

  public void message(Long runId, String msg) {
    apply(List.of(new Message(runId, msg)));
  }

  /** Whether chain_run records the run (a run is recorded there as it begins). */
  public boolean recorded(long runId) {
    return Jdbc.autoCommit(dataSource, "reading run " + runId, c -> {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM chain_run WHERE run_id = ?")) {
        ps.setLong(1, runId);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /**
   * Writes the records in one transaction, in their order. Consecutive records of one kind go
   * to the server as one JDBC batch (one round trip with Connector/J's batch rewriting).
   */
  public void apply(List<? extends RunRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    Jdbc.inTransaction(dataSource, "writing " + records.size() + " run record(s)", c -> {
      for (List<RunRecord> group : consecutiveGroups(records)) {
        write(c, group);
      }
      return null;
    });
  }

  private static List<List<RunRecord>> consecutiveGroups(List<? extends RunRecord> records) {
    List<List<RunRecord>> groups = new ArrayList<>();
    List<RunRecord> current = new ArrayList<>();
    for (RunRecord r : records) {
      if (!current.isEmpty() && current.get(0).getClass() != r.getClass()) {
        groups.add(current);
        current = new ArrayList<>();
      }
      current.add(r);
    }
    groups.add(current);
    return groups;
  }

  /** Java 17 has no pattern switch: the group's first record tells what the whole group is. */
  @SuppressWarnings("unchecked")
  private static void write(Connection c, List<RunRecord> group) throws SQLException {
    RunRecord first = group.get(0);
    List<?> same = group;
    if (first instanceof RunStarted) {
      RunSql.runsStarted(c, (List<RunStarted>) same);
    } else if (first instanceof DependenciesPassed) {
      RunSql.dependenciesPassed(c, (List<DependenciesPassed>) same);
    } else if (first instanceof ProcessStarted) {
      RunSql.processesStarted(c, (List<ProcessStarted>) same);
    } else if (first instanceof ProcessFinished) {
      RunSql.processesFinished(c, (List<ProcessFinished>) same);
    } else if (first instanceof RunFinished) {
      RunSql.runsFinished(c, (List<RunFinished>) same);
    } else if (first instanceof RunRecord.ChainAsleep) {
      RunSql.chainsAsleep(c, (List<RunRecord.ChainAsleep>) same);
    } else if (first instanceof RunRecord.ChainForgotten) {
      RunSql.chainsForgotten(c, (List<RunRecord.ChainForgotten>) same);
    } else if (first instanceof RunRecord.MessageAgain) {
      for (RunRecord.MessageAgain m : (List<RunRecord.MessageAgain>) same) {
        MessageRepository.insertUnlessEnded(c, m.runId(), m.msg());
      }
    } else {
      for (Message m : (List<Message>) same) {
        MessageRepository.insert(c, m.runId(), m.msg());
      }
    }
  }
}
