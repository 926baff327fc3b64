package io.baton.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts each process from the JVM as {@code setsid setpriv --pdeathsig KILL -- argv}: three
 * executables per job. Used where {@link PosixSpawner} cannot run (glibc before 2.34, or JNA
 * not loadable); the {@link ProcessReaper} kills the groups if the JVM dies. Where JNA does not
 * load at all the node cannot be a child subreaper either: processes that leave a job's group go
 * to init, and {@link Orphans} finds them by their environment at the launcher's periodic check,
 * after the job was reported ended.
 */
final class WrapperSpawner implements Spawner {
  static final String SETSID = "/usr/bin/setsid";
  private static final String SETPRIV = "/usr/bin/setpriv";
  private static final File DEV_NULL = new File("/dev/null");

  private final List<String> prefix;
  private final ProcessReaper reaper;
  /**
   * Every process is forked from these long-lived threads: Linux sends PDEATHSIG when the parent
   * <em>thread</em> ends, so forking from pooled threads that retire would kill jobs.
   */
  private final ExecutorService spawner = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "baton-exec-spawn");
    t.setDaemon(true);
    return t;
  });

  private WrapperSpawner(List<String> prefix, ProcessReaper reaper) {
    this.prefix = prefix;
    this.reaper = reaper;
  }

  static WrapperSpawner start() throws IOException {
    if (!Files.isExecutable(Path.of(SETSID))) {
      throw new IllegalStateException(SETSID + " is required to run processes in their own group");
    }
    List<String> prefix = Files.isExecutable(Path.of(SETPRIV))
        ? List.of(SETSID, SETPRIV, "--pdeathsig", "KILL", "--")
        : List.of(SETSID);
    return new WrapperSpawner(prefix, ProcessReaper.start());
  }

  @Override
  public Child spawn(List<String> argv, Path workDir, Map<String, String> environment, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process process = startOnSpawnerThread(pb);
    reaper.register(process.pid()); // pgid == pid: setsid does not fork for a non-leader
    return new Started(process);
  }

  private Process startOnSpawnerThread(ProcessBuilder pb) throws IOException {
    try {
      return spawner.submit(pb::start).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start " + pb.command(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + pb.command(), e);
    }
  }

  @Override
  public void deadline(long epochMillis) {
    reaper.deadline(epochMillis);
  }

  @Override
  public void close() {
    spawner.shutdownNow();
    reaper.close();
  }

  private final class Started implements Child {
    private final Process process;
    private final CompletableFuture<Integer> exit;

    Started(Process process) {
      this.process = process;
      this.exit = process.onExit().thenApply(Process::exitValue);
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return exit;
    }

    @Override
    public void signal(boolean force) {
      if (force) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
    }

    @Override
    public void release() {
      reaper.unregister(process.pid());
    }
  }
}
