package io.baton.chain;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A job or dependency check process as its chain sees it. {@link #stop} and {@link #outputTail}
 * block: chain actors call them on the blocking pool.
 */
public interface ChainProcess {
  long pid();

  Instant startTime();

  Path logPath();

  /** Completes with the exit code (128 + signal when killed). */
  CompletableFuture<Integer> onExit();

  /** SIGTERM to its tree now, SIGKILL after {@code killGrace}; blocks while it signals. */
  void stop(Duration killGrace);

  /** Killed because the node fenced itself: not a failure of the job. */
  boolean killedForFence();

  /** The end of its output, for the error message; reads the log file. */
  String outputTail(int maxChars);
}
