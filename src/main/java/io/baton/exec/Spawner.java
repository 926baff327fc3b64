package io.baton.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * How a checked launch becomes an OS process: in a session and process group of its own, stdin
 * from /dev/null, stdout and stderr appended to its log, killed if the node dies. Two ways exist:
 * {@link PosixSpawner} (glibc's posix_spawn: the job is the one program executed) and {@link
 * WrapperSpawner} (the JDK's ProcessBuilder through {@code setsid} and {@code setpriv}).
 */
interface Spawner extends AutoCloseable {

  /** Starts {@code argv} with exactly {@code environment}; returns once the process exists. */
  Child spawn(List<String> argv, Path workDir, Map<String, String> environment, Path log) throws IOException;

  /** See {@link ProcessReaper#deadline}: the groups are killed at that instant unless a newer one comes. */
  void deadline(long epochMillis);

  /** Kills every group not yet released and stops the spawner. */
  @Override
  void close();

  /** A started process; its pid is also its process group id. */
  interface Child {
    long pid();

    /** The exit code, 128 + the signal number when a signal ended it. */
    CompletableFuture<Integer> onExit();

    default boolean isAlive() {
      return !onExit().isDone();
    }

    /** Signals the process itself, unless it already ended (its pid may then be someone else's). */
    void signal(boolean force);

    /** Its whole group is gone: it must no longer be killed when the node dies. */
    void release();
  }

  /** posix_spawn where the C library has every call it needs, the wrappers elsewhere. */
  static Spawner create() throws IOException {
    if (LibC.complete()) { // checked before PosixSpawner is loaded: it needs the C library at once
      return PosixSpawner.start();
    }
    if (LibC.loadable()) {
      LoggerFactory.getLogger(Spawner.class).warn("this C library lacks posix_spawn_file_actions_addclosefrom_np"
          + " or addchdir_np (glibc >= 2.34 has both): processes start through setsid and setpriv, more slowly");
    }
    return WrapperSpawner.start();
  }
}
