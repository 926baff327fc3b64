package io.baton.definition;

import java.util.List;

/**
 * One row of jobchain_table with its jobtable and deptable rows, as the Catalog read them.
 * A run keeps the definition it started with, so this value travels inside the RunStarted event.
 */
public record ChainDefinition(
    long id,
    String description,
    int totalSteps,
    String timestr,
    double depTimeoutMinutes,
    boolean switchOn,
    boolean mainFlag,
    boolean bkpFlag,
    List<JobDefinition> jobs,
    List<DependencyDefinition> dependencies) {

  public ChainDefinition {
    jobs = List.copyOf(jobs);
    dependencies = List.copyOf(dependencies);
  }

  /** A job of the chain (jobtable row). {@code ottime} is kept as text: it is parsed on use. */
  public record JobDefinition(
      long id, String env, String command, int stepLevel, String ottime, String description) {}

  /** A dependency check of the chain (deptable row); {@code ottimeSeconds} 0 = node default. */
  public record DependencyDefinition(
      long id, String env, String command, int ottimeSeconds, String description) {}
}
