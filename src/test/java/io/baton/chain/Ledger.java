package io.baton.chain;

import io.baton.db.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What an operator reads in chain_run, job_run and schedulerMessage: the records a chain sends,
 * applied as the database applies them (a start written again keeps the row's first values, an
 * end overwrites), plus the records themselves in the order they came.
 */
final class Ledger implements OutcomeSink {

  /** A chain_run row. */
  record Run(long runId, String trigger, Instant scheduledTime, Instant startTime, Instant depPassTs,
      Instant endTime, String status, String node, Long epoch, Long rerunOf) {}

  /** A job_run row. */
  record Process(long runId, String kind, long refId, Integer stepLvl, int attempt, Instant startTime,
      Instant endTime, Integer exitCode, String status, long pid, String logPath, String node) {}

  /** A schedulerMessage row. */
  record Message(Long runId, String msg) {}

  private final List<RunRecord> records = new ArrayList<>();
  private final Map<Long, Run> runs = new LinkedHashMap<>();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final List<Message> messages = new ArrayList<>();

  @Override
  public synchronized void write(RunRecord record) {
    records.add(record);
    if (record instanceof RunRecord.RunStarted r) {
      Run known = runs.get(r.runId());
      runs.put(r.runId(), known != null
          ? withDepPass(known, known.depPassTs() != null ? known.depPassTs() : r.dependenciesPassedAt())
          : new Run(r.runId(), r.triggerType(), r.scheduledTime(), r.startTime(), r.dependenciesPassedAt(), null,
              "RUNNING", r.node(), r.epoch(), r.rerunOf()));
    } else if (record instanceof RunRecord.DependenciesPassed r) {
      runs.computeIfPresent(r.runId(), (id, run) -> withDepPass(run, r.at()));
    } else if (record instanceof RunRecord.RunFinished r) {
      runs.computeIfPresent(r.runId(), (id, run) -> new Run(run.runId(), run.trigger(), run.scheduledTime(),
          run.startTime(), run.depPassTs(), r.end(), r.status(), run.node(), run.epoch(), run.rerunOf()));
    } else if (record instanceof RunRecord.ProcessStarted r) {
      String key = key(r.runId(), r.kind(), r.refId(), r.attempt());
      Process known = processes.get(key);
      boolean confirmed = r.logPath() != null;
      processes.put(key, known == null
          ? new Process(r.runId(), r.kind(), r.refId(), r.stepLvl(), r.attempt(), r.start(), null, null, "RUNNING",
              r.pid(), r.logPath(), r.node())
          : new Process(known.runId(), known.kind(), known.refId(), r.stepLvl(), known.attempt(),
              confirmed ? r.start() : known.startTime(), known.endTime(), known.exitCode(), known.status(),
              confirmed ? r.pid() : known.pid(), confirmed ? r.logPath() : known.logPath(), known.node()));
    } else if (record instanceof RunRecord.ProcessFinished r) {
      processes.computeIfPresent(key(r.runId(), r.kind(), r.refId(), r.attempt()), (k, p) -> new Process(p.runId(),
          p.kind(), p.refId(), p.stepLvl(), p.attempt(), p.startTime(), r.end(), r.exitCode(), r.status(), p.pid(),
          p.logPath(), p.node()));
    } else if (record instanceof RunRecord.MessageAgain r) {
      Run run = runs.get(r.runId());
      Message m = new Message(r.runId(), r.msg());
      if ((run == null || run.endTime() == null) && !messages.contains(m)) {
        messages.add(m);
      }
    } else if (record instanceof RunRecord.Message r) {
      Message m = new Message(r.runId(), r.msg());
      if (r.runId() == null || !messages.contains(m)) { // a run's message is written once (MessageRepository)
        messages.add(m);
      }
    }
  }

  private static Run withDepPass(Run run, Instant at) {
    return new Run(run.runId(), run.trigger(), run.scheduledTime(), run.startTime(), at, run.endTime(), run.status(),
        run.node(), run.epoch(), run.rerunOf());
  }

  private static String key(long runId, String kind, long refId, int attempt) {
    return runId + "/" + kind + "/" + refId + "/" + attempt;
  }

  synchronized List<RunRecord> records() {
    return List.copyOf(records);
  }

  /** chain_run, in the order the runs began. */
  synchronized List<Run> runs() {
    return List.copyOf(runs.values());
  }

  synchronized Run run(long runId) {
    Run run = runs.get(runId);
    if (run == null) {
      throw new AssertionError("chain_run has no run " + runId + "; it has " + runs.keySet());
    }
    return run;
  }

  /** chain_run's scheduled_time column, in the order the runs began. */
  synchronized List<Instant> scheduledTimes() {
    return runs.values().stream().map(Run::scheduledTime).toList();
  }

  /** The only run chain_run shows for {@code scheduledTime}. */
  synchronized Run runAt(Instant scheduledTime) {
    List<Run> at = runs.values().stream().filter(r -> r.scheduledTime().equals(scheduledTime)).toList();
    if (at.size() != 1) {
      throw new AssertionError("expected one run scheduled at " + scheduledTime + ", chain_run has " + runs.values());
    }
    return at.get(0);
  }

  /** job_run, in the order the processes were recorded. */
  synchronized List<Process> processes(Predicate<Process> which) {
    return processes.values().stream().filter(which).toList();
  }

  synchronized List<Process> jobs(long runId) {
    return processes(p -> p.runId() == runId && p.kind().equals("JOB"));
  }

  /** The messages written so far never reached the database (their node died first). */
  synchronized void loseMessages() {
    messages.clear();
  }

  /** Neither did the run's end, written after them. */
  synchronized void loseTheEndOf(long runId) {
    loseMessages();
    runs.computeIfPresent(runId, (id, run) -> new Run(run.runId(), run.trigger(), run.scheduledTime(),
        run.startTime(), run.depPassTs(), null, "RUNNING", run.node(), run.epoch(), run.rerunOf()));
  }

  /** The end of a job's attempt never reached job_run: its row still shows it running. */
  synchronized void loseTheEndOfJob(long runId, long jobId, int attempt) {
    processes.computeIfPresent(key(runId, "JOB", jobId, attempt), (k, p) -> new Process(p.runId(), p.kind(),
        p.refId(), p.stepLvl(), p.attempt(), p.startTime(), null, null, "RUNNING", p.pid(), p.logPath(), p.node()));
  }

  synchronized List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The messages that contain every one of {@code words}. */
  synchronized List<Message> messages(String... words) {
    return messages.stream().filter(m -> List.of(words).stream().allMatch(m.msg()::contains)).toList();
  }

  /** Whether chain_run records the run (as it began). */
  synchronized boolean recorded(long runId) {
    return runs.containsKey(runId);
  }
}
