package io.baton.node;

import io.baton.chain.ActiveRun.JobAttempt;
import io.baton.chain.ChainProcess;
import io.baton.chain.ProcessHost;
import io.baton.exec.ProcessLauncher;
import io.baton.exec.ProcessRequest;
import io.baton.exec.ProcessTrees;
import io.baton.exec.RunningProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chains' {@link ProcessHost} on this machine: the node's launcher and the host's process table. */
public final class HostProcesses implements ProcessHost {
  private static final Logger LOG = LoggerFactory.getLogger(HostProcesses.class);

  private final ProcessLauncher launcher;
  private final io.baton.db.RunRepository runs;

  public HostProcesses(ProcessLauncher launcher, io.baton.db.RunRepository runs) {
    this.launcher = launcher;
    this.runs = runs;
  }

  @Override
  public ChainProcess start(ProcessRequest request, long notBeforeNanos, BooleanSupplier mayStart) throws Exception {
    return new Started(launcher.start(request, notBeforeNanos, mayStart));
  }

  @Override
  public boolean began(long chainId, long runId, Instant scheduledTime) {
    return launcher.startedAnyOf(chainId, runId, scheduledTime) || runs.recorded(runId);
  }

  @Override
  public List<Long> killSurvivors(long runId, List<JobAttempt> jobs) {
    List<Long> killed = new ArrayList<>();
    for (JobAttempt job : jobs) {
      // pid and start time together: a recycled pid belongs to someone else and is left alone
      if (job.pid() > 0 && job.startTime() != null && ProcessTrees.isAlive(job.pid(), job.startTime())) {
        LOG.warn("job {}: process {} from before the restart still runs; killing its group", job.jobId(), job.pid());
        ProcessTrees.killGroup(job.pid());
        killed.add(job.pid());
      }
    }
    if (!jobs.isEmpty()) {
      // and whatever carries the run's mark on this host: processes whose start was never recorded,
      // or that left their group
      killed.addAll(ProcessTrees.killJobsOfRun(launcher.deployment(), runId,
          jobs.stream().map(JobAttempt::jobId).toList()));
    }
    return killed;
  }

  private record Started(RunningProcess process) implements ChainProcess {
    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public Instant startTime() {
      return process.startTime();
    }

    @Override
    public Path logPath() {
      return process.logPath();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return process.onExit();
    }

    @Override
    public void stop(Duration killGrace) {
      process.stop(killGrace);
    }

    @Override
    public boolean killedForFence() {
      return process.killedForFence();
    }

    @Override
    public String outputTail(int maxChars) {
      return process.outputTail(maxChars);
    }
  }
}
