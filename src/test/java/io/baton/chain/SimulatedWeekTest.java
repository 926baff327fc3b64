package io.baton.chain;

import static io.baton.chain.Chains.at;
import static io.baton.chain.Chains.chain;
import static io.baton.chain.Chains.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.baton.db.RunRecord;
import io.baton.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A week of a chain firing every minute, its job taking from seconds to minutes and sometimes
 * failing, its node killed, stopped, fenced and restarted at random moments; then SPEC's "once"
 * rules are checked on what the tables show: no scheduled time has two runs, every fire was run,
 * skipped with a message or named as missed in one, no run began before its fire or stayed
 * RUNNING, and a job's attempts only go up. The seed is printed; -Dbaton.week.seed=N replays one.
 */
class SimulatedWeekTest {
  private static final Instant START = at("2026-06-01T00:00:10Z");
  private static final Instant END = START.plus(Duration.ofDays(7));
  private static final Pattern SKIPPED = Pattern.compile("fire\\(s\\) skipped .* from (\\S+) to (\\S+)$");
  private static final Pattern MISSED = Pattern.compile("MISFIRE: .* between (\\S+) and (\\S+); ");

  @Test
  void aWeekOfFiresEveryMinuteWithCrashesAndRestartsRunsEachFireOnce() {
    long seed = Long.getLong("baton.week.seed", 20261129L);
    System.out.println("SimulatedWeekTest seed " + seed);
    Random random = new Random(seed);
    Logger chainLog = (Logger) LoggerFactory.getLogger("io.baton.chain");
    Level level = chainLog.getLevel();
    chainLog.setLevel(Level.WARN); // a week of INFO lines is read by no one
    try (ChainFixture node = ChainFixture.start(chain("@every 1m", job(1, 1)), START)) {
      node.host.onStart(process -> process.exitAt(process.startTime().plus(duration(random)),
          random.nextInt(20) == 0 ? 1 : 0));
      List<String> incidents = new ArrayList<>();
      Instant next = START.plus(Duration.ofMinutes(5));
      while (next.isBefore(END)) {
        node.advanceTo(next);
        incidents.add(next + " " + incident(node, random));
        next = nextIncident(node.now(), random);
      }
      node.advanceTo(END.plus(Duration.ofMinutes(10))); // the last runs end and report their skips
      String context = "seed " + seed + ", " + incidents.size() + " incidents";
      assertTrue(incidents.size() > 100, context);
      assertOnce(node, node.schedule(node.chain), context);
    } finally {
      chainLog.setLevel(level);
    }
  }

  /** How long a job runs: mostly seconds, sometimes past the next fire or several. */
  private static Duration duration(Random random) {
    int kind = random.nextInt(20);
    int seconds = kind < 10 ? 5 + random.nextInt(50) : kind < 17 ? 60 + random.nextInt(90) : 150 + random.nextInt(250);
    return Duration.ofMillis(seconds * 1000L + random.nextInt(1000));
  }

  /** About one an hour; every third in the two seconds around a fire, where a run is journaled ahead. */
  private static Instant nextIncident(Instant now, Random random) {
    Instant later = now.plusSeconds(60 + random.nextInt(7200));
    if (random.nextInt(3) == 0) {
      Instant minute = later.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
      later = minute.minusMillis(1500).plusMillis(random.nextInt(2000));
    }
    return later.isAfter(now) ? later : now.plusSeconds(1);
  }

  private static String incident(ChainFixture node, Random random) {
    int kind = random.nextInt(20);
    if (kind < 11) {
      node.crash();
      return "killed, restarted at once";
    }
    if (kind < 16) {
      Duration down = Duration.ofSeconds(30 + random.nextInt(900));
      node.downFor(down);
      return "killed, down " + down;
    }
    if (kind < 19) {
      node.handOff();
      boolean interrupt = random.nextBoolean();
      if (interrupt) {
        node.tell(new JobchainActor.Interrupt()); // it may have stopped already
      }
      Duration down = Duration.ofSeconds(random.nextInt(300));
      node.downFor(down);
      return "stopped" + (interrupt ? ", jobs interrupted" : "") + ", down " + down;
    }
    node.guard.leading = false; // the lease is being renewed late
    Duration fenced = Duration.ofMillis(500 + random.nextInt(4000));
    node.advanceTo(node.now().plus(fenced));
    node.guard.leading = true;
    return "fenced " + fenced;
  }

  private static void assertOnce(ChainFixture node, Schedule schedule, String context) {
    List<Ledger.Run> runs = node.ledger.runs();
    Map<Instant, List<Long>> runsAt = runs.stream().collect(Collectors.groupingBy(Ledger.Run::scheduledTime,
        Collectors.mapping(Ledger.Run::runId, Collectors.toList())));
    runsAt.forEach((at, ids) -> assertEquals(1, ids.size(), "runs " + ids + " of the fire at " + at + "; " + context));

    NavigableMap<Instant, Instant> named = named(node, SKIPPED, MISSED);
    int fires = 0;
    for (Instant fire = schedule.nextFireAfter(START).orElseThrow(); !fire.isAfter(END);
        fire = schedule.nextFireAfter(fire).orElseThrow()) {
      fires++;
      var range = named.floorEntry(fire);
      assertTrue(runsAt.containsKey(fire) || (range != null && !fire.isAfter(range.getValue())),
          "the fire at " + fire + " was lost; " + context);
    }
    assertTrue(runsAt.size() > fires / 3, runsAt.size() + " runs of " + fires + " fires; " + context);

    Set<String> ends = Set.of("SUCCESS", "FAILED", "INTERRUPTED");
    for (Ledger.Run run : runs) {
      assertTrue(!run.startTime().isBefore(run.scheduledTime()), "began before its fire: " + run + "; " + context);
      assertTrue(ends.contains(run.status()) || run.scheduledTime().isAfter(END), run + "; " + context);
    }
    assertAttemptsGoUp(node, context);
  }

  private static void assertAttemptsGoUp(ChainFixture node, String context) {
    Map<Long, Integer> started = new HashMap<>();
    for (FakeHost.FakeProcess process : node.host.jobs()) {
      Integer before = started.put(process.runId(), process.attempt());
      assertTrue(before == null || process.attempt() > before,
          "run " + process.runId() + " started attempt " + process.attempt() + " after " + before + "; " + context);
    }
    Map<Long, Integer> recorded = new HashMap<>();
    for (RunRecord record : node.ledger.records()) {
      if (record instanceof RunRecord.ProcessStarted p && p.kind().equals("JOB")) {
        Integer before = recorded.put(p.runId(), p.attempt());
        assertTrue(before == null || p.attempt() >= before,
            "job_run of run " + p.runId() + " went from attempt " + before + " to " + p.attempt() + "; " + context);
      }
    }
  }

  /** The fires messages name as skipped or missed, as ranges from, to (both included) that do not overlap. */
  private static NavigableMap<Instant, Instant> named(ChainFixture node, Pattern... patterns) {
    NavigableMap<Instant, Instant> ranges = new TreeMap<>();
    for (Ledger.Message message : node.ledger.messages()) {
      for (Pattern pattern : patterns) {
        Matcher m = pattern.matcher(message.msg());
        if (m.find()) {
          ranges.merge(Instant.parse(m.group(1)), Instant.parse(m.group(2)), (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    NavigableMap<Instant, Instant> merged = new TreeMap<>();
    ranges.forEach((from, to) -> {
      var last = merged.lastEntry();
      if (last != null && !from.isAfter(last.getValue())) {
        merged.put(last.getKey(), to.isAfter(last.getValue()) ? to : last.getValue());
      } else {
        merged.put(from, to);
      }
    });
    return merged;
  }
}
