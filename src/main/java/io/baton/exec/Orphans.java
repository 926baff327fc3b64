package io.baton.exec;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import io.baton.exec.ProcessTrees.Proc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of this node's jobs that left their job's process tree, group and session: a
 * double fork with {@code setsid} leaves nothing of the job around them. They are found by the
 * {@link JobMark} in their environment, and where JNA is available the node is a child subreaper
 * ({@code PR_SET_CHILD_SUBREAPER}): the kernel re-parents them to this JVM instead of init, so they
 * are found among its own children, cheaply, the moment their job ends.
 *
 * <p>A subreaper must also reap what it adopts. The JDK waits for each process it started on a
 * thread of its own, by pid, and {@link PosixSpawner} does the same; taking the exit status of any
 * of those would make the JDK report exit code 0. So nothing here waits for "any child": only for
 * specific pids, either processes found alive carrying this node's mark (only jobs' descendants
 * carry it, and their first processes are never reaped here), or a child that stayed a zombie
 * through two periodic checks, a second apart, which no other waiter would leave that long.
 */
final class Orphans {
  private static final Logger log = LoggerFactory.getLogger(Orphans.class);
  private static final Duration LEFTOVER_WAIT = Duration.ofSeconds(5);
  private static Boolean subreaper; // guarded by Orphans.class: once per JVM

  /** A live process outside its job's tree; {@code mark} is null when its environment carries none of this node. */
  record Found(Proc proc, JobMark mark) {
    long pid() {
      return proc.pid();
    }

    /** A handle on this very process, empty if it ended meanwhile (the pid could be someone else's). */
    Optional<ProcessHandle> handle() {
      return ProcessHandle.of(proc.pid())
          .filter(h -> ProcessTrees.read(proc.pid()).map(p -> p.startTicks() == proc.startTicks()).orElse(false));
    }
  }

  private record Read(long startTicks, JobMark mark) {}

  private final String node;
  private final boolean adopting;
  private final long jvmStartTicks;
  /** Processes already read, by pid, with their start (a reused pid is read again) and mark, if of this node. */
  private final Map<Long, Read> read = new ConcurrentHashMap<>();
  /** Children by adoption found alive with this node's mark: only this JVM can reap them. */
  private final Set<Long> toReap = ConcurrentHashMap.newKeySet();
  /** Zombie children seen at the last periodic check, with their start; timer thread only. */
  private Map<Long, Long> zombies = Map.of();

  Orphans(String node) {
    this.node = node;
    this.adopting = becomeSubreaper();
    this.jvmStartTicks = ProcessTrees.read(ProcessTrees.SELF).map(Proc::startTicks).orElse(0L);
  }

  /** Makes this JVM a child subreaper, once; false where JNA or the call is not available. */
  private static synchronized boolean becomeSubreaper() {
    if (subreaper == null) {
      subreaper = LibC.loadable() && LibC.get().prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
      if (!subreaper) {
        log.warn("this node cannot become a child subreaper (JNA or prctl unavailable): processes of jobs that"
            + " leave their process group are found only by their environment, at the next periodic check");
      }
    }
    return subreaper;
  }

  /**
   * Processes re-parented to this JVM that are alive now: one small read, nothing when no job left
   * a process behind. Empty where the node is not a subreaper.
   */
  List<Found> adoptedNow() {
    if (!adopting) {
      return List.of();
    }
    List<Found> found = new ArrayList<>();
    for (long pid : ProcessTrees.mainThreadChildren()) {
      ProcessTrees.read(pid).filter(p -> p.ppid() == ProcessTrees.SELF).flatMap(this::found).ifPresent(found::add);
    }
    return found;
  }

  /**
   * The processes in a full reading of /proc that may have left a job: children of this JVM (as a
   * subreaper), or else every process started after this JVM; each one's environment is read once.
   * {@code isJobRoot}: the first processes of running jobs, skipped.
   */
  List<Found> inSnapshot(List<Proc> snapshot, LongPredicate isJobRoot) {
    List<Found> found = new ArrayList<>();
    Set<Long> present = new HashSet<>();
    for (Proc p : snapshot) {
      present.add(p.pid());
      boolean candidate = p.pid() != ProcessTrees.SELF && !isJobRoot.test(p.pid())
          && (adopting ? p.ppid() == ProcessTrees.SELF : p.startTicks() >= jvmStartTicks);
      if (candidate) {
        found(p).ifPresent(found::add);
      }
    }
    read.keySet().retainAll(present);
    return found;
  }

  private Optional<Found> found(Proc p) {
    if (!p.live()) {
      return Optional.empty();
    }
    Read r = read.get(p.pid());
    if (r == null || r.startTicks() != p.startTicks()) {
      JobMark mark = (adopting && p.ppid() == ProcessTrees.SELF ? JobMark.ofSettled(p.pid()) : JobMark.of(p.pid()))
          .filter(m -> m.node().equals(node) && m.nodePid() == ProcessTrees.SELF).orElse(null);
      // Read the start again: the environment read must be that of the process whose start we hold.
      if (ProcessTrees.read(p.pid()).map(Proc::startTicks).orElse(-1L) != p.startTicks()) {
        return Optional.empty();
      }
      r = new Read(p.startTicks(), mark);
      read.put(p.pid(), r); // an orphan of this JVM read in the middle of an exec was read again (ofSettled)
    }
    return Optional.of(new Found(p, r.mark()));
  }

  /** {@code f} is a job's process outside its tree; if this JVM adopted it, this JVM reaps it. */
  void adopted(Found f) {
    if (adopting && f.proc().ppid() == ProcessTrees.SELF) {
      toReap.add(f.pid());
    }
  }

  /**
   * Whether a periodic check has something to reap: adopted processes not yet reaped, or a zombie
   * among the children the kernel gave this JVM (a job's process that ended on its own after its
   * job, unseen). Cheap when there is nothing: one small read.
   */
  boolean pending() {
    if (!toReap.isEmpty() || !zombies.isEmpty()) {
      return true;
    }
    for (long pid : adopting ? ProcessTrees.mainThreadChildren() : List.<Long>of()) {
      if (ProcessTrees.read(pid).map(p -> !p.live()).orElse(false)) {
        return true;
      }
    }
    return false;
  }

  /** Reaps the adopted processes that have ended; never blocks, never waits for any other child. */
  void reap() {
    if (!adopting) {
      return;
    }
    IntByReference status = new IntByReference();
    for (long pid : toReap) {
      int reaped = LibC.get().waitpid((int) pid, status, LibC.WNOHANG);
      if (reaped == pid || reaped < 0 && Native.getLastError() == LibC.ECHILD) {
        toReap.remove(pid);
      }
    }
  }

  /**
   * Reaps zombie children nobody else waits for: those already zombies at the previous check (same
   * start), that are not the first process of a running job. Processes the JDK or the spawner
   * started are reaped by their waiting threads the moment they end, never a second later.
   */
  void reapForgotten(List<Proc> snapshot, LongPredicate isJobRoot) {
    if (!adopting) {
      return;
    }
    Map<Long, Long> now = new HashMap<>();
    IntByReference status = new IntByReference();
    for (Proc p : snapshot) {
      if (p.ppid() != ProcessTrees.SELF || p.live() || isJobRoot.test(p.pid())) {
        continue;
      }
      if (zombies.getOrDefault(p.pid(), -1L) == p.startTicks()) {
        LibC.get().waitpid((int) p.pid(), status, LibC.WNOHANG);
      } else {
        now.put(p.pid(), p.startTicks());
      }
    }
    zombies = now;
  }

  /**
   * Kills every process of this node's jobs that is still around (the node stops): SIGKILL, again
   * for processes re-parented as their parents die, until none is left or a few seconds passed.
   */
  void killAll(LongPredicate isJobRoot) {
    long deadline = System.nanoTime() + LEFTOVER_WAIT.toNanos();
    while (true) {
      List<Found> left = inSnapshot(ProcessTrees.snapshot(), isJobRoot).stream()
          .filter(f -> f.mark() != null).toList();
      reap();
      if (left.isEmpty() || System.nanoTime() - deadline > 0) {
        if (!left.isEmpty()) {
          log.warn("processes of jobs survive SIGKILL: {}", left.stream().map(Found::pid).toList());
        }
        return;
      }
      for (Found f : left) {
        adopted(f);
        log.warn("killing process {} of {}, left when the node stopped", f.pid(), f.mark().job());
        f.handle().ifPresent(ProcessHandle::destroyForcibly);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /**
   * At a node's start: kills the processes that carry its name but belong to a JVM of it that is gone
   * (killed with SIGKILL, crashed), one warning line each; waits a few seconds for them to end.
   * A process whose node JVM still runs, or whose recorded pid now belongs to a younger process, is
   * told apart by start times.
   */
  static java.util.Set<Long> killLeftovers(String node) {
    java.util.Set<Long> runs = new java.util.HashSet<>();
    List<Proc> snapshot = ProcessTrees.snapshot();
    Map<Long, Proc> byPid = new HashMap<>();
    snapshot.forEach(p -> byPid.put(p.pid(), p));
    List<ProcessHandle> killed = new ArrayList<>();
    for (Proc p : snapshot) {
      if (!p.live() || p.pid() == ProcessTrees.SELF) {
        continue;
      }
      // the deployment id is not asked: a node's name and a JVM of it that is gone already say whose
      // these are, and an id made anew (a database restored, an embedded one recreated) must not
      // leave this node's own leftovers running
      JobMark mark = JobMark.of(p.pid()).filter(m -> m.node().equals(node)).orElse(null);
      if (mark == null || mark.nodePid() == ProcessTrees.SELF) {
        continue;
      }
      Proc owner = byPid.get(mark.nodePid());
      if (owner != null && owner.live() && owner.startTicks() <= p.startTicks()) {
        continue; // its node runs (a namesake on another database, say): not ours to judge
      }
      Found f = new Found(p, mark);
      f.handle().ifPresent(h -> {
        String command = commandLine(p.pid());
        if (h.destroyForcibly()) {
          killed.add(h);
          runs.add(mark.job().runId());
          log.warn("killed process {} ({}) of {}, left by node {} whose JVM (pid {}) is gone", p.pid(), command,
              mark.job(), node, mark.nodePid());
        }
      });
    }
    long deadline = System.nanoTime() + LEFTOVER_WAIT.toNanos();
    while (killed.stream().anyMatch(ProcessTrees::isLive) && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return runs;
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
