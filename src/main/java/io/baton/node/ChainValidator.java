package io.baton.node;

import static io.baton.config.BatonSettings.ExecSettings.LONGEST_TIMEOUT;

import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.exec.Timeouts;
import io.baton.schedule.InvalidScheduleException;
import io.baton.schedule.Schedule;
import io.baton.schedule.Schedules;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a chain must meet to be fired (SPEC 3, "Validation"). A chain that breaks one is held:
 * not fired, one message, released as soon as its rows are fixed.
 */
public final class ChainValidator {

  /** The schedule when the chain is valid, else the problems found (never both). */
  public record Verdict(Schedule schedule, List<String> problems) {
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /** A chain firing faster than this is a typing error (@every 1ms), not a schedule anyone keeps up with. */
  static final Duration SHORTEST_PERIOD = Duration.ofMillis(10);

  private final ZoneId zone;

  public ChainValidator(ZoneId zone) {
    this.zone = zone;
  }

  public Verdict check(ChainDefinition chain) {
    List<String> problems = new ArrayList<>();
    Schedule schedule = null;
    try {
      schedule = Schedules.parse(chain.timestr(), zone);
      java.time.Instant first = schedule.nextFireAfter(java.time.Instant.now()).orElse(null); // some fail only here
      java.time.Instant second = first == null ? null : schedule.nextFireAfter(first).orElse(null);
      if (second != null && Duration.between(first, second).compareTo(SHORTEST_PERIOD) < 0) {
        problems.add("timestr '" + chain.timestr() + "' fires more often than every " + SHORTEST_PERIOD.toMillis() + " ms");
      }
    } catch (InvalidScheduleException e) {
      problems.add(e.getMessage());
    } catch (RuntimeException e) {
      problems.add("timestr '" + chain.timestr() + "': " + e.getMessage());
    }
    if (chain.jobs().isEmpty()) {
      problems.add("it has no jobs in jobtable");
    }
    long levels = chain.jobs().stream().mapToInt(JobDefinition::stepLevel).distinct().count();
    if (!chain.jobs().isEmpty() && levels != chain.totalSteps()) {
      problems.add("total_stpes is " + chain.totalSteps() + " but its jobs have " + levels
          + " distinct step_lvl value(s)");
    }
    if (Double.isNaN(chain.depTimeoutMinutes()) || chain.depTimeoutMinutes() * 60_000 > LONGEST_TIMEOUT.toMillis()) {
      problems.add("dep_ot " + java.math.BigDecimal.valueOf(chain.depTimeoutMinutes()).stripTrailingZeros().toPlainString()
          + " (minutes) is more than the longest allowed ("
          + LONGEST_TIMEOUT.toMinutes() + " minutes, " + LONGEST_TIMEOUT.toDays() + " days)");
    }
    for (JobDefinition job : chain.jobs()) {
      if (job.command() == null || job.command().isBlank()) {
        problems.add("job " + job.id() + " has an empty command");
      }
      try {
        Timeouts.parse(job.ottime(), Duration.ofHours(1));
      } catch (IllegalArgumentException e) {
        problems.add("job " + job.id() + ": ottime '" + job.ottime() + "' cannot be used (" + e.getMessage() + ")");
      }
    }
    for (DependencyDefinition dep : chain.dependencies()) {
      if (dep.command() == null || dep.command().isBlank()) {
        problems.add("dependency " + dep.id() + " has an empty command");
      }
      if (dep.ottimeSeconds() < 0) {
        problems.add("dependency " + dep.id() + " has a negative ottime (" + dep.ottimeSeconds() + ")");
      }
      withinLongest(problems, Duration.ofSeconds(dep.ottimeSeconds()),
          "dependency " + dep.id() + ": ottime " + dep.ottimeSeconds() + " (seconds)");
    }
    return problems.isEmpty() ? new Verdict(schedule, List.of()) : new Verdict(null, List.copyOf(problems));
  }

  private static void withinLongest(List<String> problems, Duration d, String what) {
    try {
      Timeouts.requireWithinLongest(d, what);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  /** The operator's message for a held chain. */
  public static String heldMessage(ChainDefinition chain, List<String> problems) {
    return "chain " + chain.id() + (chain.description() == null ? "" : " (" + chain.description() + ")")
        + " is held and will not fire until fixed: " + String.join("; ", problems);
  }
}
