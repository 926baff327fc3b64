package io.baton.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.db.RunRecord;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import io.baton.exec.ProcessRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step and dependency actors never signal a process or read its log on their own thread: both
 * happen on the blocking pool, and what they report waits for the answer. The host's processes are
 * fakes the test ends; the blocking pool is one thread the test can name.
 */
class ProcessWatchTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final String POOL = "test-blocking-pool";
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @TempDir Path home;
  private final ExecutorService blocking = Executors.newSingleThreadExecutor(task -> new Thread(task, POOL));
  private final FakeProcess process = new FakeProcess();
  /** What the actor tells its chain and records, in the order it does. */
  private TestProbe<Object> told;
  private ChainContext node;

  /** A process that runs until the test ends it, or until it is stopped (then it exits 143, as on SIGTERM). */
  private static final class FakeProcess implements ChainProcess {
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    volatile String stoppedOn;
    volatile String tailReadOn;
    volatile int tailChars;

    @Override
    public long pid() {
      return 4242;
    }

    @Override
    public Instant startTime() {
      return Instant.EPOCH;
    }

    @Override
    public Path logPath() {
      return Path.of("/nowhere/fake.log");
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return exit;
    }

    @Override
    public void stop(Duration killGrace) {
      stoppedOn = Thread.currentThread().getName();
      exit.complete(143);
    }

    @Override
    public boolean killedForFence() {
      return false;
    }

    @Override
    public String outputTail(int maxChars) {
      tailReadOn = Thread.currentThread().getName();
      tailChars = maxChars;
      return "last words";
    }
  }

  private static final class OneProcessHost implements ProcessHost {
    private final ChainProcess process;

    OneProcessHost(ChainProcess process) {
      this.process = process;
    }

    @Override
    public ChainProcess start(ProcessRequest request, long notBeforeNanos, BooleanSupplier mayStart) {
      return process;
    }

    @Override
    public boolean began(long chainId, long runId, Instant scheduledTime) {
      return false;
    }

    @Override
    public List<Long> killSurvivors(long runId, List<ActiveRun.JobAttempt> jobs) {
      return List.of();
    }
  }

  @BeforeEach
  void setUp() {
    BatonSettings settings = BatonSettings.from(ConfigFactory.parseMap(Map.of("baton.home", home.toString()))
        .withFallback(ConfigLoader.load(null, Map.of())));
    told = kit.createTestProbe();
    LeaderGuard leading = new LeaderGuard() {
      @Override
      public boolean leading() {
        return true;
      }

      @Override
      public long epoch() {
        return 1;
      }
    };
    ChainGauges gauges = new ChainGauges() {
      @Override
      public void armed(long chainId, boolean armed) {}

      @Override
      public void jobOutcome(Instant at) {}
    };
    node = new ChainContext(settings, Clock.systemUTC(), new OneProcessHost(process), blocking,
        record -> told.ref().tell(record), () -> 1L, gauges, leading, new BegunRuns(), RunMetrics.NONE);
  }

  @AfterEach
  void tearDown() {
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutDown() {
    kit.shutdownTestKit();
  }

  @Test
  void aFailedJobIsReportedWithTheTailOfItsOutputReadOnTheBlockingPool() {
    spawnJob();
    told.expectMessageClass(JobchainActor.JobLaunched.class, WITHIN);

    process.exit.complete(1);

    JobchainActor.JobExited exited = told.expectMessageClass(JobchainActor.JobExited.class, WITHIN);
    assertEquals(List.of(JobStatus.FAILED, 1, "last words"),
        List.of(exited.status(), exited.exitCode(), exited.detail()));
    assertEquals(POOL, process.tailReadOn);
    assertEquals(ProcessWatch.OUTPUT_TAIL_CHARS, process.tailChars);
  }

  @Test
  void anInterruptedJobIsStoppedFromTheBlockingPoolAndReportedInterrupted() {
    ActorRef<StepActor.Command> step = spawnJob();
    told.expectMessageClass(JobchainActor.JobLaunched.class, WITHIN);

    step.tell(new StepActor.Interrupt());

    JobchainActor.JobExited exited = told.expectMessageClass(JobchainActor.JobExited.class, WITHIN);
    assertEquals(List.of(JobStatus.INTERRUPTED, 143), List.of(exited.status(), exited.exitCode()));
    assertEquals(POOL, process.stoppedOn);
  }

  @Test
  void aCheckPastItsOttimeIsStoppedFromTheBlockingPoolRecordedAndThenReportedAnError() {
    spawnCheck(1);
    told.expectMessageClass(RunRecord.ProcessStarted.class, WITHIN);

    RunRecord.ProcessFinished finished = told.expectMessageClass(RunRecord.ProcessFinished.class, WITHIN);
    JobchainActor.DependencyChecked checked = told.expectMessageClass(JobchainActor.DependencyChecked.class, WITHIN);
    assertEquals(List.of("TIMEOUT", 143), List.of(finished.status(), finished.exitCode()));
    assertEquals(List.of(DependencyActor.Verdict.ERROR, 143, "ran past its ottime of 1 s and was killed\nlast words"),
        List.of(checked.verdict(), checked.exitCode(), checked.detail()));
    assertEquals(POOL, process.stoppedOn);
    assertEquals(POOL, process.tailReadOn);
  }

  @Test
  void aCheckWhoseActorStopsIsStoppedFromTheBlockingPoolAndRecordedCancelled() {
    ActorRef<DependencyActor.Command> check = spawnCheck(60);
    told.expectMessageClass(RunRecord.ProcessStarted.class, WITHIN);

    kit.stop(check);

    RunRecord.ProcessFinished finished = told.expectMessageClass(RunRecord.ProcessFinished.class, WITHIN);
    assertEquals(List.of("CANCELLED", 143), List.of(finished.status(), finished.exitCode()));
    assertEquals(POOL, process.stoppedOn);
  }

  @Test
  void aCheckWhoseActorStopsAfterThePoolClosedWithItsNodeIsStoppedAllTheSame() {
    ActorRef<DependencyActor.Command> check = spawnCheck(60);
    told.expectMessageClass(RunRecord.ProcessStarted.class, WITHIN);

    blocking.shutdown();
    kit.stop(check);

    RunRecord.ProcessFinished finished = told.expectMessageClass(RunRecord.ProcessFinished.class, WITHIN);
    assertEquals(List.of("CANCELLED", 143), List.of(finished.status(), finished.exitCode()));
  }

  private ActorRef<StepActor.Command> spawnJob() {
    return kit.spawn(StepActor.create(node, told.ref().narrow(), new StepActor.Assignment(3, 7, Instant.now(),
        new JobDefinition(12, null, "job.sh", 1, "1h", ""), 1, Instant.now())));
  }

  private ActorRef<DependencyActor.Command> spawnCheck(int ottimeSeconds) {
    return kit.spawn(DependencyActor.create(node, told.ref().narrow(), new DependencyActor.Assignment(3, 7,
        Instant.now(), new DependencyDefinition(5, null, "check.sh", ottimeSeconds, ""), true, Instant.now(), 1)));
  }
}
