package io.baton.chain;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.JsonSerializable;
import io.baton.chain.ChainEvent.JobLaunch;
import java.time.Instant;
import java.util.List;

/**
 * An operator's action on one chain (the API's and the CLI's trigger, cancel, rerun and switch),
 * as the node that runs the chain hands it over. {@code commandId} is the baton_command row: a
 * command handed over twice is carried out once. {@code by} names who asked. It travels to the node
 * that hosts the chain as JSON.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OperatorCommand.RunNow.class, name = "run-now"),
    @JsonSubTypes.Type(value = OperatorCommand.Cancel.class, name = "cancel"),
    @JsonSubTypes.Type(value = OperatorCommand.Rerun.class, name = "rerun"),
    @JsonSubTypes.Type(value = OperatorCommand.Switch.class, name = "switch"),
    @JsonSubTypes.Type(value = OperatorCommand.Refused.class, name = "refused")})
public sealed interface OperatorCommand {
  long commandId();

  String by();

  /** A MANUAL run now, whatever the schedule and the switch; refused while a run is active. */
  record RunNow(long commandId, String by) implements OperatorCommand {}

  /** End the active run {@code runId} CANCELLED, stopping its checks and jobs. */
  record Cancel(long commandId, String by, long runId) implements OperatorCommand {}

  /**
   * A RERUN of the ended run {@code rerunOf}, in its slot ({@code scheduledTime}): jobs that
   * succeeded there are not run again, the others run with an attempt above {@code lastAttempts};
   * dependencies are checked again only {@code withDependencies}.
   */
  record Rerun(long commandId, String by, long rerunOf, Instant scheduledTime, List<Long> succeededJobs,
      List<JobLaunch> lastAttempts, boolean withDependencies) implements OperatorCommand {
    public Rerun {
      succeededJobs = List.copyOf(succeededJobs);
      lastAttempts = List.copyOf(lastAttempts);
    }
  }

  /** jobchain_table.switch becomes ON or OFF (written by the node once this is journaled). */
  record Switch(long commandId, String by, boolean on) implements OperatorCommand {}

  /**
   * A command the node found it cannot carry out (the run to rerun is unknown, the chain is held):
   * the chain still answers it from its journal if it carried it out before, else refuses it.
   */
  record Refused(long commandId, String by, String reason) implements OperatorCommand {}

  /** How a command ended: carried out ({@code done}) or refused, in one line; the run it started. */
  record Outcome(long commandId, boolean done, String text, Long runId) implements JsonSerializable {}
}
