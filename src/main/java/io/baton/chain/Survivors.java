package io.baton.chain;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.exec.ProcessTrees;
import java.util.List;
import org.slf4j.Logger;

/** Before a run is resumed, processes its previous node started and that still run are killed. */
final class Survivors {
  private Survivors() {}

  static void kill(List<JobAttempt> jobs, Logger log) {
    for (JobAttempt job : jobs) {
      // pid and start time together: a recycled pid belongs to someone else and is left alone
      if (job.pid() > 0 && job.startTime() != null && ProcessTrees.isAlive(job.pid(), job.startTime())) {
        log.warn("job {}: process {} from before the restart still runs; killing its group", job.jobId(), job.pid());
        ProcessTrees.killGroup(job.pid());
      }
    }
  }
}
