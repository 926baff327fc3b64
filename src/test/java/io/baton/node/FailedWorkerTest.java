package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.chain.ChainContext;
import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.chain.JobchainActor;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.db.RunRecord;
import io.baton.exec.ProcessLauncher;
import io.baton.schedule.Schedules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No value can leave a run RUNNING: a dependency actor that fails ends its run with a message, and a
 * job timeout no timer of Pekko's wheel can hold does not fail the job's actor. The values are ones the Catalog holds
 * (their chains never fire); the chain actor is given them directly here.
 */
class FailedWorkerTest {
  private static final String TOO_LONG = "99999999"; // seconds: past the limit of Pekko's timer wheel (~248 days)
  @TempDir Path home;
  private ActorTestKit testKit;
  private ProcessLauncher launcher;
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private TestProbe<Receiver.Command> receiver;
  private ChainContext context;

  @BeforeEach
  void setUp() throws Exception {
    // the node's own scheduler holds any delay: Pekko's wheel, which refuses this one, makes the actors fail
    Config config = ConfigFactory.parseString(
            "pekko.scheduler.implementation = org.apache.pekko.actor.LightArrayRevolverScheduler")
        .withFallback(PersistenceTestKitPlugin.getInstance().config())
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.parseResources("baton-pekko.conf"))
        .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create(config);
    script("jobs", "ok.sh");
    script("dependent", "pass.sh");
    BatonSettings settings = BatonSettings.from(ConfigFactory.parseMap(Map.of("baton.home", home.toString()))
        .withFallback(ConfigLoader.load(null, Map.of())));
    launcher = new ProcessLauncher(settings.exec(), settings.nodeName(), settings.jobsDir(), settings.dependentDir(), settings.logsDir());
    LeaseGuard guard = new LeaseGuard();
    guard.renewed(System.nanoTime(), Duration.ofDays(1), Duration.ZERO, 1);
    receiver = testKit.createTestProbe();
    context = new ChainContext(settings, Clock.systemUTC(), new HostProcesses(launcher, null), blocking,
        record -> receiver.getRef().tell(new Receiver.Write(record)), new RunIds(1, Clock.systemUTC(), 0)::next,
        new NodeGauges(), guard, new io.baton.chain.BegunRuns(),
        io.baton.chain.RunMetrics.NONE);
  }

  @AfterEach
  void tearDown() {
    testKit.shutdownTestKit();
    launcher.close();
    blocking.shutdownNow();
  }

  @Test
  void aJobTimeoutNoTimerCanHoldFallsBackToTheNodeDefaultAndTheRunEnds() throws Exception {
    runChain(1, List.of(new JobDefinition(10, null, "ok.sh", 1, TOO_LONG, "job")), List.of());

    awaitRunEnd("SUCCESS");
  }

  @Test
  void aDependencyActorThatFailsEndsTheRunDepErrorWithAMessage() throws Exception {
    runChain(2, List.of(new JobDefinition(20, null, "ok.sh", 1, "30", "job")),
        List.of(new DependencyDefinition(21, null, "pass.sh", Integer.parseInt(TOO_LONG), "dep")));

    String message = awaitRunEnd("DEP_ERROR");
    assertTrue(message.contains("dependency 21") && message.contains("its actor failed"), message);
  }

  private void runChain(long id, List<JobDefinition> jobs, List<DependencyDefinition> dependencies) throws Exception {
    ChainDefinition chain = new ChainDefinition(id, "failing worker", 1,
        "@every 1s", 5, true, true, false, jobs, dependencies);
    testKit.spawn(JobchainActor.create(context, chain, Schedules.parse(chain.timestr(), ZoneOffset.UTC)));
  }

  /** Waits for the first run to be recorded ended; returns the schedulerMessage written for it. */
  private String awaitRunEnd(String status) {
    StringBuilder messages = new StringBuilder();
    receiver.fishForMessage(Duration.ofSeconds(20), "the run ends " + status, command -> {
      if (command instanceof Receiver.Write w && w.record() instanceof RunRecord.Message m) {
        messages.append(m.msg()).append('\n');
      }
      if (command instanceof Receiver.Write w && w.record() instanceof RunRecord.RunFinished f) {
        assertTrue(status.equals(f.status()), "ended " + f.status());
        return FishingOutcomes.complete();
      }
      return FishingOutcomes.continueAndIgnore();
    });
    return messages.toString();
  }

  private void script(String folder, String name) throws Exception {
    Path file = home.resolve(folder).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
