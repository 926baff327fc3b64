package io.baton.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started job or dependency-check process and its process group (pgid == pid: it was started
 * through {@code setsid}). All signalling and clean-up runs on the launcher's single timer thread,
 * so no two steps race and a group is never signalled after it was found gone (its id could then
 * belong to someone else).
 */
public final class RunningProcess {
  private static final Logger logger = LoggerFactory.getLogger(RunningProcess.class);
  private static final Duration POLL = Duration.ofMillis(100);
  /** After SIGKILL only uninterruptible sleep can keep a process; stop waiting eventually. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Spawner.Child process;
  private final Instant startTime;
  private final LogFile log;
  private final ScheduledExecutorService timer;
  private final Duration exitGrace;
  private final Runnable whenGone;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** Descendants seen so far: they are killed too even if they left the group (setsid). */
  private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
  private boolean gone; // timer thread only
  private volatile long exitedAt; // System.nanoTime() when the root process was seen to exit

  RunningProcess(Spawner.Child process, Instant startTime, LogFile log, ScheduledExecutorService timer, Duration exitGrace,
      Runnable whenGone) {
    this.process = process;
    this.startTime = startTime;
    this.log = log;
    this.timer = timer;
    this.exitGrace = exitGrace;
    this.whenGone = whenGone;
  }

  /** Starts watching for the exit; called once the launcher counts this process as running. */
  void watch() {
    process.onExit().thenRun(() -> exitedAt = System.nanoTime()).thenRunAsync(this::afterRootExit, timer);
  }

  public long pid() {
    return process.pid();
  }

  public Instant startTime() {
    return startTime;
  }

  public Path logPath() {
    return log.path();
  }

  /**
   * Completes with the exit code (128 + signal number when killed by a signal: 143 for SIGTERM,
   * 137 for SIGKILL) once the process exited, every other process of its group is gone and the
   * log cap was applied.
   */
  public CompletableFuture<Integer> onExit() {
    return exit;
  }

  /** SIGTERM to the whole tree and group now, SIGKILL after {@code killGrace} if any is left. */
  public void stop(Duration killGrace) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    timer.execute(() -> {
      if (gone) {
        return;
      }
      // Snapshot before signalling: once the root dies its children are re-parented and vanish
      // from its tree.
      seen.addAll(ProcessTrees.descendants(pid()));
      signal(false);
      timer.schedule(() -> {
        if (!gone && anyLeft()) {
          signal(true);
        }
      }, killGrace.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  /** Sends SIGKILL to everything at once; used when the launcher closes. */
  void kill() {
    stopping.set(true);
    timer.execute(() -> {
      if (!gone) {
        seen.addAll(ProcessTrees.descendants(pid()));
        signal(true);
      }
    });
  }

  public String outputTail(int maxChars) {
    return log.tail(maxChars);
  }

  /** Periodic work from the launcher's timer: note new descendants, apply the log cap. */
  void tick(List<ProcessTrees.Proc> snapshot) {
    if (gone || !process.isAlive()) {
      return;
    }
    seen.addAll(ProcessTrees.descendants(pid(), snapshot));
    seen.removeIf(h -> !ProcessTrees.isLive(h));
    capLog();
  }

  private void afterRootExit() {
    // Background children still in the group would become orphans: ask them to end, then force.
    if (anyLeft(exitedAt)) {
      signal(false);
      awaitGone(System.nanoTime() + exitGrace.toNanos(), false);
    } else {
      finish();
    }
  }

  private void awaitGone(long killAt, boolean killed) {
    if (!anyLeft()) {
      finish();
      return;
    }
    long now = System.nanoTime();
    if (!killed && now - killAt >= 0) {
      signal(true);
      killed = true;
      killAt = now + KILL_WAIT.toNanos();
    } else if (killed && now - killAt >= 0) {
      logger.warn("processes of group {} ({}) survive SIGKILL; giving up on them",
          pid(), ProcessTrees.groupMembers(pid()));
      finish();
      return;
    }
    long deadline = killAt;
    boolean sentKill = killed;
    timer.schedule(() -> awaitGone(deadline, sentKill), POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean anyLeft() {
    return anyLeft(System.nanoTime());
  }

  /** {@code sinceNanos}: a reading of /proc begun after this instant is good enough. */
  private boolean anyLeft(long sinceNanos) {
    return process.isAlive()
        || ProcessTrees.groupExists(pid()) && !ProcessTrees.groupMembersSince(pid(), sinceNanos).isEmpty()
        || seen.stream().anyMatch(ProcessTrees::isLive);
  }

  private void signal(boolean force) {
    if (gone) {
      return;
    }
    ProcessTrees.signalGroup(pid(), force ? "KILL" : "TERM");
    // The root itself, in case it had not yet made its own group when the signal went out.
    process.signal(force);
    for (ProcessHandle h : seen) {
      if (force) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
    }
  }

  private void finish() {
    gone = true;
    try {
      capLog();
      whenGone.run();
    } finally {
      exit.complete(process.onExit().join());
    }
  }

  private void capLog() {
    try {
      log.enforceCap();
    } catch (IOException e) {
      logger.warn("cannot apply the size cap to {}: {}", log.path(), e.toString());
    }
  }
}
