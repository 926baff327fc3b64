package io.baton.chain;

import io.baton.chain.JobchainActor.DependencyChecked;
import io.baton.chain.JobchainActor.JobExited;
import java.time.Duration;
import java.util.List;

/** The schedulerMessage texts of one chain: each names chain, run, job or dependency, and status. */
final class Messages {
  private final long chainId;

  Messages(long chainId) {
    this.chainId = chainId;
  }

  String jobFailed(ActiveRun run, JobExited m) {
    return head(run) + " job " + m.jobId() + " (attempt " + m.attempt() + ") ended " + m.status()
        + (m.exitCode() == null ? "" : " with exit code " + m.exitCode()) + tail(m.detail());
  }

  String dependencyFailed(ActiveRun run, DependencyChecked m, RunStatus status) {
    return head(run) + " dependency " + m.dependencyId() + " failed; run ends " + status
        + (m.exitCode() == null ? "" : " (exit code " + m.exitCode() + ")") + tail(m.detail());
  }

  String workerFailed(ActiveRun run, String detail, RunStatus status) {
    return head(run) + " " + detail + "; run ends " + status;
  }

  String dependencyNotPassed(ActiveRun run, DependencyChecked m) {
    return head(run) + " dependency " + m.dependencyId() + " did not pass on its only check (dep_ot = 0);"
        + " run ends DEP_TIMEOUT (exit code 1)" + tail(m.detail());
  }

  String dependencyWindowClosed(ActiveRun run) {
    var waiting = run.definition().dependencies().stream()
        .filter(d -> !run.passedDependencies().contains(d.id())).map(d -> String.valueOf(d.id())).toList();
    return head(run) + " dependencies " + String.join(", ", waiting) + " had not passed within dep_ot = "
        + run.definition().depTimeoutMinutes() + " min; run ends DEP_TIMEOUT";
  }

  String skipped(long runId, SkippedFires fires) {
    return head(runId) + " " + fires.count() + " fire(s) skipped while this run was active (overlap), from "
        + fires.first() + " to " + fires.last();
  }

  /** The catch-up run's message, as it was written when the run began. */
  String caughtUp(Misfires missed, Duration grace) {
    return misfires(missed, true, false, grace);
  }

  String misfires(Misfires missed, boolean recent, boolean running, Duration grace) {
    String what = misfiresHead(missed);
    if (!recent) {
      return what + "none is run: the latest is older than baton.misfire-grace (" + grace + ")";
    }
    return what + (running
        ? "none is run: they fell during the run this node resumes"
        : "the latest (" + missed.latest() + ") runs now as one catch-up run");
  }

  /** Fires missed while no node ran the chain, found as its run is resumed: named at once. */
  String owedAfterRun(Misfires missed) {
    return misfiresHead(missed) + "the latest (" + missed.latest() + ") runs as one catch-up run once the run this"
        + " node resumes ends";
  }

  String owedDropped(Misfires missed, String why) {
    return "chain " + chainId + ": MISFIRE: the catch-up run for the fire of " + missed.latest() + " is not run: "
        + why;
  }

  private String misfiresHead(Misfires missed) {
    return "chain " + chainId + ": MISFIRE: " + (missed.countCapped() ? "more than " : "") + missed.count()
        + " fire(s) missed while no node ran it, between " + missed.first() + " and " + missed.latest() + "; ";
  }

  String neverBegan(ActiveRun run) {
    return head(run) + " RECOVERY: run " + run.runId() + " was journaled by node " + run.node() + " for its fire at "
        + run.scheduledTime() + ", but that node stopped before the run began; the run is withdrawn and its fire"
        + " counts as missed";
  }

  String recovery(ActiveRun run, boolean fail) {
    String where = run.dependenciesPassed()
        ? "step level " + run.currentLevel().map(String::valueOf).orElse("(none left)")
        : "its dependency checks";
    List<String> unconfirmed = run.running().stream().filter(ActiveRun.JobAttempt::launchUnconfirmed)
        .map(a -> "job " + a.jobId() + " attempt " + a.attempt()).toList();
    return head(run) + " RECOVERY: run " + run.runId() + " was active when its node stopped (in " + where + "); "
        + (unconfirmed.isEmpty() ? "" : String.join(", ", unconfirmed)
            + " may have started just before and count as interrupted attempts; ")
        + (fail ? "it ends INTERRUPTED (baton.recovery = fail)" : "re-running " + where + " (baton.recovery = rerun-step)");
  }

  String cancelled(ActiveRun run, String by) {
    return head(run) + " CANCELLED by " + by + ": its dependency checks and jobs are stopped (whole process trees,"
        + " SIGTERM then SIGKILL after baton.exec.kill-grace); later levels do not start";
  }

  String recoveredCancel(ActiveRun run) {
    return head(run) + " RECOVERY: run " + run.runId() + " was being cancelled (asked by " + run.cancelledBy()
        + ") when its node stopped; what is left of it is stopped and it ends CANCELLED";
  }

  String started(ActiveRun run, String by) {
    String what = switch (run.trigger()) {
      case RERUN -> "RERUN of run " + run.rerunOf() + " (its slot " + run.scheduledTime() + "; "
          + (run.rerun().succeededJobs().isEmpty() ? "no job" : "jobs " + run.rerun().succeededJobs())
          + " succeeded there and are not run again; dependencies "
          + (run.dependenciesPassed() ? "not checked again)" : "checked again)");
      default -> run.trigger().name() + " run";
    };
    return head(run) + " started as a " + what + ", asked by " + by;
  }

  String switched(boolean on, String by) {
    return "chain " + chainId + " switched " + (on ? "ON" : "OFF") + " by " + by;
  }

  private String head(ActiveRun run) {
    return head(run.runId());
  }

  private String head(long runId) {
    return "chain " + chainId + " run " + runId + ":";
  }

  private static String tail(String output) {
    return output == null || output.isBlank() ? "" : "\n--- last output ---\n" + output.strip();
  }
}
