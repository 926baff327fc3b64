package io.baton.chain;

import io.baton.exec.ProcessRequest;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The processes of the host a chain runs on. Every method may block (it spawns, signals, or reads
 * /proc and the logs folder): chain actors call them on the blocking pool.
 */
public interface ProcessHost {
  /**
   * Starts the process no earlier than {@code notBeforeNanos} ({@link System#nanoTime()}) and only
   * if {@code mayStart} still holds just before the spawn; throws {@code LaunchRefusedException}
   * for a request that must not run and {@code ProcessLauncher.NotNowException} when not now.
   */
  ChainProcess start(ProcessRequest request, long notBeforeNanos, BooleanSupplier mayStart) throws Exception;

  /**
   * Whether the run began: a process of it was started on this host (one running, or a log file of
   * it), or the ledger records it begun (on whichever node it began).
   */
  boolean began(long chainId, long runId, Instant scheduledTime);

  /**
   * Before a run is resumed: kills what its previous node started and still runs here (each job's
   * recorded process, and whatever carries the run's mark); the pids killed.
   */
  List<Long> killSurvivors(long runId, List<ActiveRun.JobAttempt> jobs);
}
