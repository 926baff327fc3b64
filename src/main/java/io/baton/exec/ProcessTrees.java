package io.baton.exec;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Process-group and process-tree operations on Linux, read from {@code /proc}. The JDK can signal
 * single processes but not groups, and it loses track of children once their parent exits (they
 * are re-parented), so group membership is read from {@code /proc/<pid>/stat} and groups are
 * signalled with {@code kill(2)} on the negative group id, which reaches the whole group at once.
 */
public final class ProcessTrees {
  private ProcessTrees() {}

  /**
   * One line of {@code /proc/<pid>/stat}, the fields needed here; {@code startTicks} is the start
   * in clock ticks since boot, which tells a process from a later one that reused its pid.
   */
  record Proc(long pid, long ppid, long pgid, long sid, char state, long startTicks) {
    /** A zombie has exited and holds no resources; reaping it is its parent's (or init's) job. */
    boolean live() {
      return state != 'Z' && state != 'X';
    }
  }

  private static final Path PROC = Path.of("/proc");
  /** This JVM. */
  static final long SELF = ProcessHandle.current().pid();
  private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

  /**
   * True when {@code pid} runs and is the process that started at {@code startTime}, not a later
   * process that reused the id (the start instant is derived from boot time, hence the tolerance).
   */
  public static boolean isAlive(long pid, Instant startTime) {
    Optional<Proc> proc = read(pid);
    if (proc.isEmpty() || !proc.get().live()) {
      return false;
    }
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().startInstant())
        .map(s -> Duration.between(s, startTime).abs().compareTo(START_TOLERANCE) <= 0)
        .orElse(false);
  }

  /** SIGKILL to every process of group {@code pgid}; false if the group had no member left. */
  public static boolean killGroup(long pgid) {
    return signalGroup(pgid, "KILL");
  }

  /** Sends {@code signal} (TERM or KILL) to group {@code pgid}; false if nobody got it. */
  /**
   * Kills (SIGKILL) every process on this host marked as belonging to one of {@code jobIds} in run
   * {@code runId} of {@code deployment} and not started by this JVM: what a stopped node left of
   * them, found by their environment even if they left their group and session. Returns the pids
   * killed.
   */
  public static List<Long> killJobsOfRun(String deployment, long runId, java.util.Collection<Long> jobIds) {
    List<Long> killed = new ArrayList<>();
    for (Proc p : snapshot()) {
      if (!p.live() || p.pid() == SELF) {
        continue;
      }
      JobMark.of(p.pid())
          .filter(m -> m.nodePid() != SELF && m.job().runId() == runId && m.job().kind() == ProcessKind.JOB
              && jobIds.contains(m.job().refId()) && m.ofDeployment(deployment))
          .flatMap(m -> ProcessHandle.of(p.pid()))
          .filter(ProcessHandle::destroyForcibly)
          .ifPresent(h -> killed.add(h.pid()));
    }
    return killed;
  }

  static boolean signalGroup(long pgid, String signal) {
    checkGroupId(pgid);
    if (LibC.loadable()) {
      return LibC.get().kill((int) -pgid, signal.equals("KILL") ? 9 : 15) == 0;
    }
    return killCommand(pgid, signal);
  }

  /**
   * Whether group {@code pgid} has any member, zombies included: one system call, no /proc
   * reading (true when that call is not available: the caller then reads /proc).
   */
  static boolean groupExists(long pgid) {
    return !LibC.loadable() || LibC.get().kill((int) -pgid, 0) == 0 || Native.getLastError() == LibC.EPERM;
  }

  private static boolean killCommand(long pgid, String signal) {
    String kill = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "/usr/bin/kill";
    try {
      Process p = new ProcessBuilder(kill, "-s", signal, "--", "-" + pgid)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Signalling group 1 or 0, or our own, would hit unrelated processes or this JVM. */
  private static void checkGroupId(long pgid) {
    if (pgid <= 1 || read(ProcessHandle.current().pid()).map(Proc::pgid).orElse(-1L) == pgid) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
  }

  /** Live (non-zombie) processes whose process group is {@code pgid}. */
  static List<Long> groupMembers(long pgid) {
    return groupMembers(pgid, snapshot());
  }

  /**
   * Live members of {@code pgid} as seen by a reading of /proc begun after {@code sinceNanos}:
   * when many jobs end at once, one reading serves them all instead of one full scan each.
   */
  static List<Long> groupMembersSince(long pgid, long sinceNanos) {
    Snapshot s = lastSnapshot;
    if (s == null || s.startedAt() - sinceNanos < 0) {
      long startedAt = System.nanoTime();
      s = new Snapshot(startedAt, snapshot());
      lastSnapshot = s;
    }
    return groupMembers(pgid, s.procs());
  }

  private record Snapshot(long startedAt, List<Proc> procs) {}

  private static volatile Snapshot lastSnapshot;

  private static List<Long> groupMembers(long pgid, List<Proc> snapshot) {
    List<Long> members = new ArrayList<>();
    for (Proc p : snapshot) {
      if (p.pgid() == pgid && p.live()) {
        members.add(p.pid());
      }
    }
    return members;
  }

  /**
   * Live descendants of {@code rootPid} now, as handles that remember each start time, so a later
   * {@code destroy()} cannot hit a process that reused the id.
   */
  static List<ProcessHandle> descendants(long rootPid) {
    return descendants(rootPid, snapshot());
  }

  static List<ProcessHandle> descendants(long rootPid, List<Proc> snapshot) {
    Map<Long, List<Proc>> children = new HashMap<>();
    for (Proc p : snapshot) {
      children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
    }
    List<ProcessHandle> found = new ArrayList<>();
    ArrayDeque<Long> todo = new ArrayDeque<>(List.of(rootPid));
    while (!todo.isEmpty()) {
      for (Proc child : children.getOrDefault(todo.poll(), List.of())) {
        todo.add(child.pid());
        if (child.live()) {
          ProcessHandle.of(child.pid()).ifPresent(found::add);
        }
      }
    }
    return found;
  }

  /** Running and not a zombie (the JDK counts zombies as alive). */
  static boolean isLive(ProcessHandle h) {
    return h.isAlive() && read(h.pid()).map(Proc::live).orElse(false);
  }

  static List<Proc> snapshot() {
    List<Proc> procs = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : dirs) {
        read(Long.parseLong(dir.getFileName().toString())).ifPresent(procs::add);
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot list processes in /proc: " + e, e);
    }
    return procs;
  }

  static Optional<Proc> read(long pid) {
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
          StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return Optional.empty(); // gone meanwhile
    }
    // The command name is in parentheses and may itself contain spaces or ')'.
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    String[] f = stat.substring(close + 2).split(" ");
    if (f.length < 20) {
      return Optional.empty();
    }
    // f[n - 3] is field n of proc(5): 3 state, 4 ppid, 5 pgrp, 6 session, 22 starttime
    return Optional.of(new Proc(pid, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
        f[0].charAt(0), Long.parseLong(f[19])));
  }

  /**
   * The children of this JVM's main thread. When a process of a job ends, the kernel re-parents its
   * children to the nearest child subreaper, this JVM, and gives them to its first living thread:
   * the thread the {@code java} launcher began on, which only waits for the JVM to end and starts no
   * process itself. So this one small read lists the orphans adopted from jobs (and any process
   * started from a thread that has since ended). Empty where the kernel does not offer the file
   * (CONFIG_PROC_CHILDREN); the periodic scan of /proc finds them then.
   */
  static List<Long> mainThreadChildren() {
    String children;
    try {
      children = Files.readString(PROC.resolve(Long.toString(SELF)).resolve("task").resolve(Long.toString(SELF))
          .resolve("children"), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return List.of();
    }
    List<Long> pids = new ArrayList<>();
    for (String pid : children.trim().split(" ")) {
      if (!pid.isEmpty()) {
        pids.add(Long.parseLong(pid));
      }
    }
    return pids;
  }
}
