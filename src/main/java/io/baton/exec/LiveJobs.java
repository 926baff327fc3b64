package io.baton.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job and dependency processes this node started and that have not gone yet, and what becomes
 * of the processes of their jobs that left their trees ({@link Orphans}): a live job adopts them, a
 * job that ended has them killed. The launcher registers each process as it starts it; the check
 * that runs every second while any lives ({@link CheckPace}; less often while none does, and once
 * after jobs end) reads /proc once for all of them.
 */
final class LiveJobs {
  private static final Logger logger = LoggerFactory.getLogger(LiveJobs.class);

  /** Processes started and not yet gone, by pid. */
  private final Map<Long, RunningProcess> live = new ConcurrentHashMap<>();
  /** Jobs whose process is being started, by count: its pid is not known yet. */
  private final Map<JobMark.Key, Integer> starting = new ConcurrentHashMap<>();
  private final Orphans orphans;
  private volatile boolean endedSinceTick;

  LiveJobs(Orphans orphans) {
    this.orphans = orphans;
  }

  /** A process of job {@code key} is about to be created. */
  void starting(JobMark.Key key) {
    starting.merge(key, 1, Integer::sum);
  }

  /** The start of a process of job {@code key} is over, started or not (after {@link #add}: see mayBeFirstProcess). */
  void startOver(JobMark.Key key) {
    starting.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
  }

  void add(RunningProcess running) {
    live.put(running.pid(), running);
  }

  /** The process and its tree are gone (runs after {@link #add}: see RunningProcess.watch). */
  void gone(RunningProcess gone) {
    live.remove(gone.pid(), gone);
    endedSinceTick = true;
    orphans.reap();
  }

  /** Processes started and not yet exited (with their groups cleaned up). */
  int count() {
    return live.size();
  }

  /** The log files of the processes running now (links resolved). */
  Set<Path> openLogs() {
    Set<Path> open = new HashSet<>();
    for (RunningProcess process : live.values()) {
      try {
        open.add(process.logPath().toRealPath());
      } catch (java.io.IOException e) {
        open.add(process.logPath().toAbsolutePath()); // gone already: nothing to keep
      }
    }
    return open;
  }

  /** Kills every process tree at once with SIGKILL; returns how many were running. */
  int killAllNow() {
    int n = 0;
    for (RunningProcess r : live.values()) {
      r.killForFence();
      n++;
    }
    return n;
  }

  /**
   * The processes of job {@code key} that the node adopted and that run now; {@code rootPid} is its
   * first process, whose session tells its descendants that cleared their environment.
   */
  List<ProcessHandle> escapedFrom(JobMark.Key key, long rootPid) {
    List<ProcessHandle> found = new ArrayList<>();
    for (Orphans.Found f : orphans.adoptedNow()) {
      boolean ofThisJob = f.mark() != null ? f.mark().job().equals(key) : f.proc().sid() == rootPid;
      // its root is known here: a job still being registered does not hide what left it
      if (ofThisJob && f.pid() != rootPid && !live.containsKey(f.pid())) {
        orphans.adopted(f);
        f.handle().ifPresent(found::add);
      }
    }
    return found;
  }

  /**
   * Whether {@code f} is (or may be) the first process of a job, which its spawner waits for: a job
   * being started is asked first, as it is counted there until after its pid is in {@code live}.
   */
  private boolean mayBeFirstProcess(Orphans.Found f) {
    return f.mark() != null && starting.containsKey(f.mark().job()) || live.containsKey(f.pid());
  }

  /**
   * The shared periodic check, with one read of /proc for all: log caps, descendants, processes of
   * jobs that left their trees (killed if their job ended), and reaping what the node adopted.
   * Also runs once after jobs ended, for processes that left them and that only this check finds.
   * False if there was nothing to check: no process lives, none ended, no orphan waits.
   */
  boolean tick() {
    boolean ended = endedSinceTick;
    endedSinceTick = false;
    if (live.isEmpty() && !ended && !orphans.pending()) {
      return false;
    }
    try {
      List<ProcessTrees.Proc> snapshot = ProcessTrees.snapshot();
      for (RunningProcess r : live.values()) {
        r.tick(snapshot);
      }
      for (Orphans.Found f : orphans.inSnapshot(snapshot, live::containsKey)) {
        attribute(f);
      }
      orphans.reap();
      orphans.reapForgotten(snapshot, live::containsKey);
    } catch (RuntimeException e) {
      logger.warn("periodic process check failed", e); // and keep the schedule alive
    }
    return true;
  }

  /** A process outside its job's tree: its job gets it, or it is killed if that job ended. */
  private void attribute(Orphans.Found f) {
    if (mayBeFirstProcess(f)) {
      return;
    }
    List<RunningProcess> jobs = live.values().stream()
        .filter(r -> f.mark() != null ? r.key().equals(f.mark().job()) : r.pid() == f.proc().sid())
        .toList();
    if (f.mark() == null && jobs.isEmpty()) {
      return; // nothing says it is a job's
    }
    orphans.adopted(f);
    f.handle().ifPresent(h -> {
      if (jobs.isEmpty()) {
        logger.warn("killing process {} of {}: it outlived its job", f.pid(), f.mark().job());
        h.destroyForcibly();
      } else {
        jobs.forEach(r -> r.adopt(h));
      }
    });
  }

  /** Kills every job still running, with all its processes, and waits briefly for them. */
  void killAll() {
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    for (RunningProcess r : live.values()) {
      r.kill();
      exits.add(r.onExit());
    }
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      logger.warn("{} processes did not end on close; the spawner kills them", live.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills whatever left its job unseen (no subreaper here, say). */
  void killLeftBehind() {
    orphans.killAll(live::containsKey);
  }
}
