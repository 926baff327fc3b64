package io.baton.chain;

import io.baton.db.RunRecord;
import io.baton.exec.ProcessKind;
import java.time.Instant;
import java.util.List;

/**
 * The chain actors' side of the node's writer: one method per fact the database must learn, each
 * credited to this {@code node} under the epoch its {@code guard} holds.
 */
public record RunLog(OutcomeSink outcomes, String node, LeaderGuard guard) {

  /**
   * {@code ranOn}: the node the run was started on (this one unless it is resumed here); {@code
   * dependenciesPassedAt}: when they passed, if they had by now (one statement less per run).
   */
  void runStarted(long runId, long chainId, Trigger trigger, Instant scheduled, Instant start, Long epoch,
      String ranOn, Instant dependenciesPassedAt, Long rerunOf) {
    write(new RunRecord.RunStarted(runId, chainId, trigger.name(), scheduled, start, ranOn == null ? node : ranOn,
        epoch, dependenciesPassedAt, rerunOf));
  }

  void dependenciesPassed(long runId, long chainId, Instant at) {
    write(new RunRecord.DependenciesPassed(runId, chainId, at));
  }

  void processStarted(long runId, long chainId, ProcessKind kind, long refId, Integer stepLevel, int attempt,
      Instant start, long pid, String logPath) {
    write(new RunRecord.ProcessStarted(runId, chainId, kind.name(), refId, stepLevel, attempt, start, pid,
        logPath, node, guard.epoch()));
  }

  void processFinished(long runId, ProcessKind kind, long refId, int attempt, Instant end, Integer exitCode,
      String status) {
    write(new RunRecord.ProcessFinished(runId, kind.name(), refId, attempt, end, exitCode, status));
  }

  void runFinished(long runId, long chainId, Instant end, RunStatus status) {
    write(new RunRecord.RunFinished(runId, chainId, end, status.name()));
  }

  void message(Long runId, String text) {
    write(new RunRecord.Message(runId, text));
  }

  /**
   * After a restart: the last ended run once more, in case the node died before it was written,
   * with {@code messages} of it written before its end if the database does not show it ended.
   */
  void rewrite(long chainId, ChainState.EndedRun run, List<String> messages) {
    runStarted(run.runId(), chainId, run.trigger(), run.scheduledTime(), run.startTime(), run.epoch(), run.node(),
        run.dependenciesPassedAt(), run.rerunOf());
    messages.forEach(text -> write(new RunRecord.MessageAgain(run.runId(), text)));
    runFinished(run.runId(), chainId, run.endTime(), run.status());
  }

  /**
   * After a restart: the jobs of the resumed run that the journal knows of, credited to the node
   * that started them (the run's node for events that do not say). A job journaled as about to
   * start with no process recorded is written too, without pid or log: it may have run. A job the
   * journal knows ended is written ended: its end can be durable while its node never wrote it (it
   * died, or the database's answer to the journal write was lost and the chain stopped).
   */
  void rewriteJobs(long chainId, ActiveRun run) {
    for (ActiveRun.JobAttempt job : run.attempts()) {
      boolean unconfirmed = job.launchUnconfirmed();
      if (job.startTime() != null && (job.logPath() != null || unconfirmed)) {
        boolean known = job.node() != null;
        String by = known ? job.node() : run.node() != null ? run.node() : node;
        write(new RunRecord.ProcessStarted(run.runId(), chainId, ProcessKind.JOB.name(), job.jobId(), job.stepLevel(),
            job.attempt(), job.startTime(), job.pid(), job.logPath(), by, known ? job.epoch() : run.epoch()));
        if (job.status() != null && job.endTime() != null) {
          processFinished(run.runId(), ProcessKind.JOB, job.jobId(), job.attempt(), job.endTime(), job.exitCode(),
              job.status().name());
        }
      }
    }
  }

  private void write(RunRecord record) {
    outcomes.write(record);
  }
}
