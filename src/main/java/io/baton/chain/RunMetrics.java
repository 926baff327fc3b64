package io.baton.chain;

import java.time.Duration;

/** What the chain actors tell the node's metrics: runs and jobs as they end, fires as they begin. */
public interface RunMetrics {
  /** A scheduled fire's first process started {@code delay} after its scheduled time. */
  void fireBegan(Duration delay);

  /** A run of {@code chainId} started on this node. */
  void runStarted(long chainId);

  /** A run of {@code chainId} ended with {@code status} after {@code duration}. */
  void runEnded(long chainId, RunStatus status, Duration duration);

  /** A job process ended with {@code status}. */
  void jobEnded(JobStatus status);

  RunMetrics NONE = new RunMetrics() {
    @Override
    public void fireBegan(Duration delay) {}

    @Override
    public void runStarted(long chainId) {}

    @Override
    public void runEnded(long chainId, RunStatus status, Duration duration) {}

    @Override
    public void jobEnded(JobStatus status) {}
  };
}
