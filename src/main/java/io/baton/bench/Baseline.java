package io.baton.bench;

import io.baton.config.BatonSettings.ExecSettings;
import io.baton.exec.ProcessKind;
import io.baton.exec.ProcessLauncher;
import io.baton.exec.ProcessRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W0: the bare limit here — a plain ProcessBuilder loop starting the same script, 2 threads; and
 * the same loop through Baton's own launcher, without chains or database, for comparison.
 */
final class Baseline {
  private Baseline() {}

  /** Processes started and waited for, per second. */
  static double processesPerSecond(Path script, int total) throws Exception {
    return perSecond(total, () -> new ProcessBuilder(script.toString()).directory(script.getParent().toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start().waitFor());
  }

  /** The same through {@link ProcessLauncher}: checks, log file, spawn, group clean-up. */
  static double launcherPerSecond(Path home, int total) throws Exception {
    ExecSettings exec = new ExecSettings(List.of("/bin/sh"), Duration.ofHours(1), Duration.ofSeconds(5), 1 << 20);
    AtomicLong runs = new AtomicLong();
    try (ProcessLauncher launcher = new ProcessLauncher(exec, "bench-baseline", home.resolve("jobs"),
        home.resolve("dependent"), Files.createTempDirectory("baton-bench-logs"))) {
      return perSecond(total, () -> launcher.start(new ProcessRequest(ProcessKind.JOB, 0, runs.incrementAndGet(), 1,
          1, 1, Instant.now(), "", "ok.sh")).onExit().get());
    }
  }

  private static double perSecond(int total, Callable<?> startAndWait) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger left = new AtomicInteger(total);
    long start = System.nanoTime();
    for (int t = 0; t < 2; t++) {
      pool.submit(() -> {
        while (left.getAndDecrement() > 0) {
          startAndWait.call();
        }
        return null;
      });
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    return total / ((System.nanoTime() - start) / 1e9);
  }
}
