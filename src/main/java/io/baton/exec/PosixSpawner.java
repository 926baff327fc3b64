package io.baton.exec;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts each process with glibc's {@code posix_spawn}, asking it for a new session
 * ({@code POSIX_SPAWN_SETSID}), the log file as stdout and stderr, the work folder, and no file
 * descriptor of the node beyond those three. The script is the only program executed: no JDK
 * helper, no {@code setsid}/{@code setpriv} wrapper. Each process is waited for on a thread of
 * its own, as the JDK does for its own processes; the {@link ProcessReaper} kills the groups if
 * the JVM dies.
 */
final class PosixSpawner implements Spawner {
  private static final LibC C = LibC.get();
  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  private final ProcessReaper reaper;
  private final ExecutorService waiters = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(null, r, "baton-exec-wait", 128 * 1024);
        t.setDaemon(true);
        return t;
      });

  private PosixSpawner(ProcessReaper reaper) {
    this.reaper = reaper;
  }

  static PosixSpawner start() throws IOException {
    return new PosixSpawner(ProcessReaper.start());
  }

  @Override
  public Child spawn(List<String> argv, Path workDir, Map<String, String> environment, Path log)
      throws IOException {
    Memory actions = LibC.opaque();
    Memory attr = LibC.opaque();
    Memory signals = LibC.opaque();
    C.posix_spawn_file_actions_init(actions);
    C.posix_spawnattr_init(attr);
    try {
      check(C.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDONLY, 0), "stdin");
      check(C.posix_spawn_file_actions_addopen(actions, 1, log.toString(),
          LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND, 0644), "log " + log);
      check(C.posix_spawn_file_actions_adddup2(actions, 1, 2), "stderr");
      check(C.posix_spawn_file_actions_addchdir_np(actions, workDir.toString()), "folder " + workDir);
      check(C.posix_spawn_file_actions_addclosefrom_np(actions, 3), "descriptors"); // the node's sockets stay its own
      C.sigemptyset(signals);
      check(C.posix_spawnattr_setsigmask(attr, signals), "signal mask");
      C.sigfillset(signals);
      check(C.posix_spawnattr_setsigdefault(attr, signals), "signal actions");
      check(C.posix_spawnattr_setflags(attr,
          (short) (LibC.POSIX_SPAWN_SETSID | LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF)), "flags");
      String[] env = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
      IntByReference pid = new IntByReference();
      int error = C.posix_spawn(pid, argv.get(0), actions, attr, new StringArray(argv.toArray(String[]::new)),
          new StringArray(env));
      if (error != 0) {
        throw new IOException("cannot start " + argv.get(0) + ": " + strerror(error));
      }
      reaper.register(pid.getValue()); // pgid == pid: the process leads its own session
      Spawned child = new Spawned(pid.getValue());
      waiters.execute(child::await);
      return child;
    } finally {
      C.posix_spawn_file_actions_destroy(actions);
      C.posix_spawnattr_destroy(attr);
    }
  }

  private static void check(int error, String what) throws IOException {
    if (error != 0) {
      throw new IOException("cannot prepare the process (" + what + "): " + strerror(error));
    }
  }

  private static String strerror(int error) {
    return C.strerror(error);
  }

  @Override
  public void deadline(long epochMillis) {
    reaper.deadline(epochMillis);
  }

  @Override
  public void close() {
    waiters.shutdownNow();
    reaper.close();
  }

  private final class Spawned implements Child {
    private final int pid;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private boolean ended; // guarded by this: a zombie's pid cannot be reused, a reaped one can

    Spawned(int pid) {
      this.pid = pid;
    }

    /** Waits for the exit without reaping, then reaps under the lock that {@link #signal} takes. */
    void await() {
      Memory info = LibC.opaque();
      while (C.waitid(LibC.P_PID, pid, info, LibC.WEXITED | LibC.WNOWAIT) != 0) {
        if (Native.getLastError() != LibC.EINTR) {
          break;
        }
      }
      IntByReference status = new IntByReference();
      int reaped;
      synchronized (this) {
        ended = true;
        reaped = C.waitpid(pid, status, LibC.WNOHANG);
      }
      int s = status.getValue();
      int signal = s & 0x7f;
      exit.complete(reaped != pid ? -1 : signal != 0 ? 128 + signal : (s >> 8) & 0xff);
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return exit;
    }

    @Override
    public synchronized void signal(boolean force) {
      if (!ended) {
        C.kill(pid, force ? SIGKILL : SIGTERM);
      }
    }

    @Override
    public void release() {
      reaper.unregister(pid);
    }
  }
}
