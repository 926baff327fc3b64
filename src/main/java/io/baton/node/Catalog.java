package io.baton.node;

import io.baton.definition.CatalogView;
import io.baton.definition.ChainDefinition;
import io.baton.config.BatonSettings;
import io.baton.config.BatonSettings.Site;
import io.baton.db.CatalogRepository;
import io.baton.db.RunRecord;
import io.baton.schedule.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Polls jobchain_table, jobtable and deptable ("sqlfetcher"): a cheap fingerprint every poll, the
 * full tables only when it moved (and every 10 minutes regardless), then validates and sends each
 * chain that changed. A held chain gets one message per change of its rows, not one per poll.
 * It runs on standby nodes too (without writing), so an elected node has its chains at hand.
 */
public final class Catalog {

  public sealed interface Command {}

  private record Poll() implements Command {}

  private record Loaded(String fingerprint, CatalogRepository.Snapshot chains, Instant readAt, Throwable error)
      implements Command {}

  /** What the guardian hears: a chain to run with this definition, or one that is gone. */
  public sealed interface Change {}

  /**
   * {@code schedule} is null while the chain must not fire (held, switched OFF, other site);
   * {@code readAt}: when the catalog had read it, the instant from which its fires are owed however
   * late a busy node applies it (a chain rescheduled a few seconds ahead must still fire).
   */
  public record ChainDefined(ChainDefinition definition, Schedule schedule, Instant readAt) implements Change {}

  public record ChainRemoved(long chainId) implements Change {}

  /**
   * The fingerprint sees every change that moves entry_time (ON UPDATE CURRENT_TIMESTAMP), also two
   * within one second; a full read now and then also catches a row written with an old entry_time
   * by hand. Not more often: reading 100,000 chains costs a second of CPU.
   */
  private static final Duration FULL_RELOAD = Duration.ofMinutes(10);

  private final ActorContext<Command> context;
  private final Clock clock;
  private final CatalogRepository repository;
  private final ActorRef<Change> guardian;
  private final LeaseGuard guard;
  private final ActorRef<Receiver.Command> receiver;
  private final Executor blocking;
  private final ChainValidator validator;
  private final Site site;
  private final CatalogView view;
  private final DatabaseOutage outage;
  private final Map<Long, ChainDefinition> known = new HashMap<>();
  private final Map<Long, List<String>> knownUnreadable = new HashMap<>();
  private final Map<Long, List<String>> held = new HashMap<>();
  private final java.util.Set<Long> unreported = new java.util.HashSet<>();
  private String fingerprint;
  private long lastFullLoad;

  public static Behavior<Command> create(BatonSettings settings, Clock clock, CatalogRepository repository,
      LeaseGuard guard, ActorRef<Change> guardian, ActorRef<Receiver.Command> receiver, Executor blocking,
      CatalogView view) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Poll(), Duration.ZERO, settings.catalogPollInterval());
      return new Catalog(ctx, settings, clock, repository, guard, guardian, receiver, blocking, view).behavior();
    }));
  }

  private Catalog(ActorContext<Command> context, BatonSettings settings, Clock clock, CatalogRepository repository,
      LeaseGuard guard, ActorRef<Change> guardian, ActorRef<Receiver.Command> receiver, Executor blocking,
      CatalogView view) {
    this.view = view;
    this.context = context;
    this.clock = clock;
    this.guard = guard;
    this.repository = repository;
    this.guardian = guardian;
    this.receiver = receiver;
    this.blocking = blocking;
    this.validator = new ChainValidator(settings.timezone());
    this.site = settings.site();
    this.outage = new DatabaseOutage(context.getLog(), "reading the chain tables");
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Poll.class, m -> poll())
        .onMessage(Loaded.class, this::onLoaded)
        .build();
  }

  private Behavior<Command> poll() {
    boolean fullDue = System.nanoTime() - lastFullLoad > FULL_RELOAD.toNanos() || fingerprint == null;
    String previous = fingerprint;
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      String now = repository.fingerprint();
      CatalogRepository.Snapshot chains = fullDue || !now.equals(previous) ? repository.load() : null;
      // after the read, so no change it saw is dated before it was made (a chain switched ON then)
      return new Loaded(now, chains, clock.instant(), null);
    }, blocking), (loaded, error) -> loaded != null ? loaded : new Loaded(null, null, null, error));
    return waiting();
  }

  /** One poll at a time: ticks that come while the database answers are dropped. */
  private Behavior<Command> waiting() {
    return Behaviors.receive(Command.class)
        .onMessage(Poll.class, m -> Behaviors.same())
        .onMessage(Loaded.class, this::onLoaded)
        .build();
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    if (outage.failed(loaded.error())) {
      return behavior();
    }
    fingerprint = loaded.fingerprint();
    if (loaded.chains() != null) {
      lastFullLoad = System.nanoTime();
      apply(loaded.chains().chains(), loaded.chains().unreadableRows(), loaded.readAt());
      view.markLoaded();
    }
    reportHeldChains();
    return behavior();
  }

  private void apply(List<ChainDefinition> chains, Map<Long, List<String>> unreadable, Instant readAt) {
    Map<Long, ChainDefinition> seen = new HashMap<>();
    for (ChainDefinition chain : chains) {
      seen.put(chain.id(), chain);
      List<String> rows = unreadable.getOrDefault(chain.id(), List.of());
      if (!chain.equals(known.get(chain.id())) || !rows.equals(knownUnreadable.getOrDefault(chain.id(), List.of()))) {
        guardian.tell(new ChainDefined(chain, fireable(chain, rows), readAt));
      }
    }
    knownUnreadable.clear();
    knownUnreadable.putAll(unreadable);
    for (Long gone : known.keySet()) {
      if (!seen.containsKey(gone)) {
        held.remove(gone);
        unreported.remove(gone);
        view.remove(gone);
        guardian.tell(new ChainRemoved(gone));
      }
    }
    known.clear();
    known.putAll(seen);
    validator.keepSchedulesOf(seen.values());
  }

  /** One message per held chain and change of its rows, written by the leader only. */
  private void reportHeldChains() {
    if (unreported.isEmpty() || !guard.leading()) {
      return;
    }
    for (Long id : unreported) {
      String text = ChainValidator.heldMessage(known.get(id), held.get(id));
      context.getLog().warn(text);
      receiver.tell(new Receiver.Write(new RunRecord.Message(null, text)));
    }
    unreported.clear();
  }

  private Schedule fireable(ChainDefinition chain, List<String> unreadableRows) {
    ChainValidator.Verdict verdict = validator.check(chain);
    List<String> problems = new java.util.ArrayList<>(unreadableRows); // a chain missing a row never runs half-made
    problems.addAll(verdict.problems());
    view.put(new CatalogView.Entry(chain, problems, verdict.schedule()));
    if (!problems.isEmpty()) {
      // only the leader writes the message: standbys hold the chain quietly
      if (!problems.equals(held.put(chain.id(), List.copyOf(problems)))) {
        unreported.add(chain.id());
      }
      return null;
    }
    unreported.remove(chain.id());
    if (held.remove(chain.id()) != null) {
      context.getLog().info("chain {} is valid again and released", chain.id());
    }
    boolean forThisSite = site == Site.MAIN ? chain.mainFlag() : chain.bkpFlag();
    return chain.switchOn() && forThisSite ? verdict.schedule() : null;
  }
}
