package io.baton.chain;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.exec.ProcessTrees;
import java.util.List;
import org.slf4j.Logger;

/** Before a run is resumed, processes its previous node started and that still run are killed. */
final class Survivors {
  private Survivors() {}

  static void kill(long chainId, long runId, List<JobAttempt> jobs, Logger log) {
    for (JobAttempt job : jobs) {
      // pid and start time together: a recycled pid belongs to someone else and is left alone
      if (job.pid() > 0 && job.startTime() != null && ProcessTrees.isAlive(job.pid(), job.startTime())) {
        log.warn("job {}: process {} from before the restart still runs; killing its group", job.jobId(), job.pid());
        ProcessTrees.killGroup(job.pid());
      }
    }
    if (!jobs.isEmpty()) {
      // and whatever carries the run's mark on this host: processes whose start was never recorded,
      // or that left their group
      List<Long> killed = ProcessTrees.killJobsOfRun(runId, jobs.stream().map(JobAttempt::jobId).toList());
      if (!killed.isEmpty()) {
        log.warn("chain {} run {}: killed processes {} left by the run's previous node", chainId, runId, killed);
      }
    }
  }
}
