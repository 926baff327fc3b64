package io.baton.db;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One change to the run read model, derived from a chain's events. The writer collects these
 * and hands them to {@link RunRepository#apply} in order; each is safe to apply twice.
 */
public sealed interface RunRecord {
  Set<String> TRIGGER_TYPES = Set.of("SCHEDULE", "MANUAL", "MISFIRE", "RERUN");
  Set<String> KINDS = Set.of("JOB", "DEP");

  /**
   * A run began: chain_run row (RUNNING) and the chain's jobchain_lst_run row reset; {@code
   * dependenciesPassedAt} is set when they passed at once (a chain without any), else null.
   */
  /** {@code rerunOf}: the run a RERUN continues, else null. */
  record RunStarted(long runId, long chainId, String triggerType, Instant scheduledTime,
      Instant startTime, String node, Long epoch, Instant dependenciesPassedAt, Long rerunOf) implements RunRecord {
    public RunStarted {
      require(TRIGGER_TYPES.contains(triggerType), "trigger type", triggerType);
      Objects.requireNonNull(startTime, "startTime");
      Objects.requireNonNull(node, "node");
    }

    public RunStarted(long runId, long chainId, String triggerType, Instant scheduledTime,
        Instant startTime, String node, Long epoch, Instant dependenciesPassedAt) {
      this(runId, chainId, triggerType, scheduledTime, startTime, node, epoch, dependenciesPassedAt, null);
    }
  }

  /** Every dependency of the run passed. */
  record DependenciesPassed(long runId, long chainId, Instant at) implements RunRecord {
    public DependenciesPassed {
      Objects.requireNonNull(at, "at");
    }
  }

  /** A job or a dependency check was started; {@code attempt} is the check number for DEP. */
  record ProcessStarted(long runId, long chainId, String kind, long refId, Integer stepLvl,
      int attempt, Instant start, long pid, String logPath, String node, Long epoch)
      implements RunRecord {
    public ProcessStarted {
      require(KINDS.contains(kind), "kind", kind);
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(node, "node");
    }
  }

  /** A process ended (exit code null when it could not be started or was lost). */
  record ProcessFinished(long runId, String kind, long refId, int attempt, Instant end,
      Integer exitCode, String status) implements RunRecord {
    public ProcessFinished {
      require(KINDS.contains(kind), "kind", kind);
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(status, "status");
    }
  }

  /** A run ended with its final status. */
  record RunFinished(long runId, long chainId, Instant end, String status) implements RunRecord {
    public RunFinished {
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(status, "status");
    }
  }

  /** A schedulerMessage row; {@code runId} null for configuration errors. */
  record Message(Long runId, String msg) implements RunRecord {
    public Message {
      Objects.requireNonNull(msg, "msg");
    }
  }

  /**
   * A message of a run that ended, written again after a restart in case its node died first:
   * only while chain_run does not show the run ended (a node writes a run's messages before its end).
   */
  record MessageAgain(long runId, String msg) implements RunRecord {
    public MessageAgain {
      Objects.requireNonNull(msg, "msg");
    }
  }

  /**
   * The chain's actor went to sleep after its outcomes above, until {@code wakeAt} (null: nothing to
   * wake it for), owing no fire before {@code firesFrom}: so says its baton_awake_chain row, unless
   * a later actor of the chain wrote it ({@code token} is the sleeping actor's).
   */
  record ChainAsleep(long chainId, long token, Instant wakeAt, Instant firesFrom) implements RunRecord {}

  /** The chain was deleted: its baton_awake_chain row goes. */
  record ChainForgotten(long chainId) implements RunRecord {}

  private static void require(boolean ok, String what, String value) {
    if (!ok) {
      throw new IllegalArgumentException("unknown " + what + ": " + value);
    }
  }
}
