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
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started job or dependency-check process and everything it started: its process group (pgid ==
 * pid: it was started through {@code setsid}), its descendants as last seen, and the processes
 * that left both (double fork, {@code setsid}) and that the node adopted ({@link Orphans}). All
 * signalling and clean-up runs on the launcher's single timer thread, so no two steps race and a
 * group is never signalled after it was found gone (its id could then belong to someone else).
 */
public final class RunningProcess {
  private static final Logger logger = LoggerFactory.getLogger(RunningProcess.class);
  private static final Duration POLL = Duration.ofMillis(100);
  /** After SIGKILL only uninterruptible sleep can keep a process; stop waiting eventually. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Spawner.Child process;
  private final JobMark.Key key;
  private final Instant startTime;
  private final LogFile log;
  private final ScheduledExecutorService timer;
  private final Duration exitGrace;
  /** This job's processes that the node adopted and that run now: one small read of /proc. */
  private final Supplier<List<ProcessHandle>> escaped;
  private final Consumer<RunningProcess> whenGone;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** Descendants seen so far: they are killed too even if they left the group (setsid). */
  private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
  private boolean gone; // timer thread only
  private String sent; // timer thread only: the last signal sent to the whole tree (TERM, KILL), or null
  private volatile long exitedAt; // System.nanoTime() when the root process was seen to exit

  RunningProcess(Spawner.Child process, JobMark.Key key, Instant startTime, LogFile log, ScheduledExecutorService timer,
      Duration exitGrace, Supplier<List<ProcessHandle>> escaped, Consumer<RunningProcess> whenGone) {
    this.process = process;
    this.key = key;
    this.startTime = startTime;
    this.log = log;
    this.timer = timer;
    this.exitGrace = exitGrace;
    this.escaped = escaped;
    this.whenGone = whenGone;
  }

  /** Starts watching for the exit; called once the launcher counts this process as running. */
  void watch() {
    process.onExit().thenRun(() -> exitedAt = System.nanoTime()).thenRunAsync(this::afterRootExit, timer);
  }

  public long pid() {
    return process.pid();
  }

  /** The job execution this process is for; its escaped descendants carry it in their environment. */
  JobMark.Key key() {
    return key;
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
      seen.addAll(escaped.get());
      signal(false);
      timer.schedule(() -> {
        if (!gone && anyLeft()) {
          signal(true);
        }
      }, killGrace.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  /** Killed now because its node fenced itself ({@link ProcessLauncher#killAllNow}). */
  void killForFence() {
    killedForFence = true;
    kill();
  }

  /** True when it ended because its node fenced itself: its job was interrupted, not failed. */
  public boolean killedForFence() {
    return killedForFence;
  }

  void kill() {
    stopping.set(true);
    timer.execute(() -> {
      if (!gone) {
        seen.addAll(ProcessTrees.descendants(pid()));
        seen.addAll(escaped.get());
        signal(true);
      }
    });
  }

  private volatile boolean killedForFence;

  public String outputTail(int maxChars) {
    return log.tail(maxChars);
  }

  /**
   * A process of this job outside its tree, found by the launcher's periodic check: it is signalled
   * along with the rest of the job, and at once if the job is being stopped.
   */
  void adopt(ProcessHandle h) {
    if (gone) {
      h.destroyForcibly(); // the job has just ended: nothing of it may stay
      return;
    }
    if (seen.add(h) && sent != null) {
      signal(h, sent.equals("KILL"));
    }
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
        || seen.stream().anyMatch(ProcessTrees::isLive)
        || newlyEscaped();
  }

  /**
   * Adopts the job's processes that the node was given since the last look (and that are then
   * signalled as the rest were). Asked last: a process is re-parented before its parent is seen to
   * have ended, so once the group and the known processes are gone this read lists all that is left.
   */
  private boolean newlyEscaped() {
    List<ProcessHandle> found = escaped.get();
    found.forEach(this::adopt);
    return !found.isEmpty();
  }

  private void signal(boolean force) {
    if (gone) {
      return;
    }
    sent = force ? "KILL" : "TERM";
    ProcessTrees.signalGroup(pid(), sent);
    // The root itself, in case it had not yet made its own group when the signal went out.
    process.signal(force);
    for (ProcessHandle h : seen) {
      signal(h, force);
    }
  }

  private static void signal(ProcessHandle h, boolean force) {
    if (force) {
      h.destroyForcibly();
    } else {
      h.destroy();
    }
  }

  private void finish() {
    gone = true;
    try {
      capLog();
      whenGone.accept(this);
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
