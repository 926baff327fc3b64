package io.baton.chain;

import static io.baton.exec.OsProcesses.running;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.db.RunRecord;
import io.baton.exec.OsProcesses;
import io.baton.exec.ProcessLauncher;
import io.baton.node.HostProcesses;
import io.baton.node.NodeGauges;
import io.baton.node.Receiver;
import io.baton.node.RunIds;
import io.baton.node.TestGuards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step or dependency actor stopped while its process is being started: the process appears after
 * the actor is gone, and must be stopped all the same. Launches are held in an executor until the
 * actor has stopped.
 */
class LaunchInFlightTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @TempDir Path home;
  private final HeldTasks blocking = new HeldTasks();
  private final String sleep = OsProcesses.uniqueSleep();
  private ProcessLauncher launcher;
  private TestProbe<Receiver.Command> receiver;
  private ChainContext node;

  /** Runs nothing until asked: the test decides when a launch happens. */
  private static final class HeldTasks implements Executor {
    private final List<Runnable> held = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      held.add(task);
    }

    synchronized int size() {
      return held.size();
    }

    void runAll() {
      List<Runnable> tasks;
      synchronized (this) {
        tasks = new ArrayList<>(held);
        held.clear();
      }
      tasks.forEach(Runnable::run);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    BatonSettings settings = BatonSettings.from(ConfigFactory.parseMap(Map.of(
            "baton.home", home.toString(), "baton.node-name", "in-flight-test", "baton.exec.kill-grace", "1s"))
        .withFallback(ConfigLoader.load(null, Map.of())));
    for (Path folder : List.of(settings.jobsDir(), settings.dependentDir())) {
      Path script = Files.createDirectories(folder).resolve("wait.sh");
      Files.writeString(script, "#!/bin/sh\nexec sleep \"$1\"\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    launcher = new ProcessLauncher(settings.exec(), settings.nodeName(), settings.jobsDir(), settings.dependentDir(),
        settings.logsDir());
    receiver = kit.createTestProbe();
    node = new ChainContext(settings, Clock.systemUTC(), new HostProcesses(launcher, null), blocking,
        record -> receiver.ref().tell(new Receiver.Write(record)), new RunIds(1, Clock.systemUTC(), 0)::next,
        new NodeGauges(), TestGuards.leading(), new io.baton.chain.BegunRuns(),
        io.baton.chain.RunMetrics.NONE);
  }

  @AfterEach
  void tearDown() {
    launcher.close();
    OsProcesses.kill("sleep", sleep);
  }

  @AfterAll
  static void shutDown() {
    kit.shutdownTestKit();
  }

  /** Runs what the actor's process left for the pool (its stop) until nothing of it is left. */
  private void awaitNoProcessLeft() {
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      blocking.runAll();
      return running("sleep", sleep).isEmpty() && launcher.running() == 0;
    });
  }

  @Test
  void aDependencyCheckStoppedWhileItStartsLeavesNoProcessAndIsRecorded() {
    TestProbe<JobchainActor.Command> chain = kit.createTestProbe();
    ActorRef<DependencyActor.Command> check = kit.spawn(DependencyActor.create(node, chain.ref(),
        new DependencyActor.Assignment(3, 7, Instant.now(), new DependencyDefinition(5, null, "wait.sh " + sleep, 60, ""),
            true, Instant.now(), 1)));
    await().atMost(Duration.ofSeconds(5)).until(() -> blocking.size() == 1);

    kit.stop(check);
    blocking.runAll(); // the process starts now, its actor gone; stopping it is the pool's next task

    awaitNoProcessLeft();
    RunRecord started = ((Receiver.Write) receiver.receiveMessage()).record();
    RunRecord finished = ((Receiver.Write) receiver.receiveMessage()).record();
    assertInstanceOf(RunRecord.ProcessStarted.class, started);
    assertEquals("CANCELLED", ((RunRecord.ProcessFinished) finished).status());
  }

  @Test
  void aJobStoppedWhileItStartsLeavesNoProcess() {
    TestProbe<JobchainActor.Command> chain = kit.createTestProbe();
    ActorRef<StepActor.Command> step = kit.spawn(StepActor.create(node, chain.ref(), new StepActor.Assignment(3, 7,
        Instant.now(), new JobDefinition(12, null, "wait.sh " + sleep, 1, "1h", ""), 1, Instant.now())));
    await().atMost(Duration.ofSeconds(5)).until(() -> blocking.size() == 1);

    kit.stop(step);
    blocking.runAll(); // the process starts now, its actor gone; stopping it is the pool's next task

    awaitNoProcessLeft();
  }
}
