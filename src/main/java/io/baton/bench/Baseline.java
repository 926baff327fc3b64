package io.baton.bench;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** W0: the bare limit here — a plain ProcessBuilder loop starting the same script, 2 threads. */
final class Baseline {
  private Baseline() {}

  /** Processes started and waited for, per second. */
  static double processesPerSecond(Path script, int total) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger left = new AtomicInteger(total);
    long start = System.nanoTime();
    for (int t = 0; t < 2; t++) {
      pool.submit(() -> {
        while (left.getAndDecrement() > 0) {
          new ProcessBuilder(script.toString()).directory(script.getParent().toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start().waitFor();
        }
        return null;
      });
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    return total / ((System.nanoTime() - start) / 1e9);
  }
}
