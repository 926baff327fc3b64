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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules a chain must meet to be fired (SPEC 3, "Validation"). A chain that breaks one is held:
 * not fired, one message, released as soon as its rows are fixed. One validator serves one Catalog
 * (one actor): it is not shared between threads.
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

  /**
   * A timestr as parsed once, with the problem that holds its chains (null if none): chains with
   * the same timestr share one schedule, so 100,000 chains of a few schedules keep a few of them.
   */
  private record Parsed(Schedule schedule, String problem) {}

  private final ZoneId zone;
  private final Map<String, Parsed> parsed = new HashMap<>();

  public ChainValidator(ZoneId zone) {
    this.zone = zone;
  }

  public Verdict check(ChainDefinition chain) {
    List<String> problems = new ArrayList<>();
    Parsed timestr = parsed.computeIfAbsent(chain.timestr(), this::parse);
    Schedule schedule = timestr.schedule();
    if (timestr.problem() != null) {
      problems.add(timestr.problem());
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

  /** Forgets the schedules no chain of {@code chains} has any more. */
  public void keepSchedulesOf(Collection<ChainDefinition> chains) {
    Set<String> inUse = new HashSet<>();
    chains.forEach(chain -> inUse.add(chain.timestr()));
    parsed.keySet().retainAll(inUse);
  }

  private Parsed parse(String timestr) {
    try {
      Schedule schedule = Schedules.parse(timestr, zone);
      java.time.Instant first = schedule.nextFireAfter(java.time.Instant.now()).orElse(null); // some fail only here
      java.time.Instant second = first == null ? null : schedule.nextFireAfter(first).orElse(null);
      if (second != null && Duration.between(first, second).compareTo(SHORTEST_PERIOD) < 0) {
        return new Parsed(schedule,
            "timestr '" + timestr + "' fires more often than every " + SHORTEST_PERIOD.toMillis() + " ms");
      }
      return new Parsed(schedule, null);
    } catch (InvalidScheduleException e) {
      return new Parsed(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Parsed(null, "timestr '" + timestr + "': " + e.getMessage());
    }
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
