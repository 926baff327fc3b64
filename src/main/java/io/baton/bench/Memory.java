package io.baton.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The node's memory and CPU, read in its own JVM (the bench runs the node in-process). */
final class Memory {
  private Memory() {}

  static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long rss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** CPU seconds this JVM used while waiting out {@code window}. */
  static double cpuSecondsDuring(Duration window) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long before = os.getProcessCpuTime();
    long end = System.nanoTime() + window.toNanos();
    // a window of time, not a wait for something: the bench's own wake-ups would count as the node's
    for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
      java.util.concurrent.locks.LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException("the bench was stopped during a measuring window");
      }
    }
    return (os.getProcessCpuTime() - before) / 1e9;
  }
}
