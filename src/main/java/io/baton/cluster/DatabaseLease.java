package io.baton.cluster;

import io.baton.db.LeaseTable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;

/**
 * A Pekko {@link Lease} kept in the database the nodes share (baton_lease), for Cluster Sharding's
 * shard leases and the split brain resolver's {@code lease-majority}: a shard runs on one node at a
 * time because that node holds the shard's lease, fenced the way the leader lease fences the leader.
 *
 * <ul>
 *   <li>Taking and renewing is one conditional UPDATE judged by the database's clock; each acquisition
 *       raises the lease's {@link #epoch()}, which writes made under it carry.
 *   <li>The holder renews every {@code heartbeat-interval}; the lease lasts {@code heartbeat-timeout}
 *       (the ttl) after a renewal was sent.
 *   <li>{@link #checkLease()} is judged on this process's monotonic clock: it turns false a safety
 *       margin before the database can let another owner take the lease, also after a pause (GC,
 *       SIGSTOP) that held back the renewals, before the holder can act again.
 *   <li>When a renewal fails for good (another owner took the lease, or the database did not
 *       answer before the ttl ran out) the lease-lost callback is called once.
 * </ul>
 */
public final class DatabaseLease extends Lease {
  private static final Logger log = LoggerFactory.getLogger(DatabaseLease.class);

  /** Pause before asking again after a statement failed. */
  static final Duration RETRY_AFTER_ERROR = Duration.ofMillis(200);

  /** The most by which acting stops before the lease can have expired on the database's clock. */
  static final Duration SAFETY_MARGIN = Duration.ofMillis(1500);

  /** How often a held lease looks at its term (renewals are due, or the term ran out), at most. */
  private static final Duration CHECK_AT_MOST_EVERY = Duration.ofMillis(500);

  /** Where the holder stands with a lease. */
  public enum Hold {
    /** Held, its term running: the holder may act. */
    ACTIVE,
    /** Held, but not renewed in time: the holder must not act until it is renewed (or lost). */
    OVERDUE,
    /** Not held. */
    NONE
  }

  private final LeaseSettings settings;
  private final LeaseTable table;
  private final Executor blocking;
  private final Scheduler scheduler;
  private final ExecutionContext dispatcher;
  private final LongSupplier nanoTime;
  private final BooleanSupplier othersAlive;
  private final LeaseStore store;
  private final Duration ttl;
  private final Duration renewEvery;
  private final Duration margin;
  private final Duration checkEvery;
  private final Duration operationTimeout;

  // guarded by this
  private long epoch = -1; // -1: not held
  private long releases; // how many times it was let go: an acquire under way when it is, keeps nothing
  private long validUntilNanos;
  private long lastRenewalSent;
  private Consumer<Optional<Throwable>> lostCallback;
  private boolean renewing;
  private boolean lapsed; // overdue while no other node could take it: kept, and asked for again
  private Throwable lastRenewalError;

  /** Built by Pekko's LeaseProvider from the lease's configuration. */
  public DatabaseLease(LeaseSettings settings, ExtendedActorSystem system) {
    this(settings, LeaseStore.get(system), system.scheduler(), system.dispatcher(), System::nanoTime,
        () -> ClusterView.othersPresent(system));
  }

  DatabaseLease(LeaseSettings settings, LeaseStore store, Scheduler scheduler, ExecutionContext dispatcher,
      LongSupplier nanoTime, BooleanSupplier othersAlive) {
    this.settings = settings;
    this.store = store;
    this.table = store.table();
    this.blocking = store.blocking();
    this.scheduler = scheduler;
    this.dispatcher = dispatcher;
    this.nanoTime = nanoTime;
    this.othersAlive = othersAlive;
    this.ttl = settings.timeoutSettings().getHeartbeatTimeout();
    this.renewEvery = settings.timeoutSettings().getHeartbeatInterval();
    this.operationTimeout = settings.timeoutSettings().getOperationTimeout();
    if (renewEvery.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("lease " + settings.leaseName() + ": heartbeat-interval (" + renewEvery
          + ") must be shorter than heartbeat-timeout (" + ttl + "), or the lease lapses between renewals");
    }
    Duration quarter = ttl.dividedBy(4);
    this.margin = quarter.compareTo(SAFETY_MARGIN) < 0 ? quarter : SAFETY_MARGIN;
    Duration third = margin.dividedBy(3);
    this.checkEvery = third.compareTo(CHECK_AT_MOST_EVERY) < 0 ? third : CHECK_AT_MOST_EVERY;
  }

  /**
   * How often the lease looks at its term: a third of its safety margin at most, so a lease whose
   * term ran out is given up (its shard stopped) well before another owner can take it.
   */
  Duration checkEvery() {
    return checkEvery;
  }

  @Override
  public LeaseSettings getSettings() {
    return settings;
  }

  @Override
  public CompletionStage<Boolean> acquire() {
    return acquire(null);
  }

  /**
   * Takes the lease, or renews it if this owner holds it. A lease another owner holds is asked for
   * again when its term ends, until {@code lease-operation-timeout}: the holder may be dead (a node
   * killed while it held the split brain resolver's lease), and the resolver takes a refusal as
   * "the other side won" and downs its own side. A live holder renews, and the answer is false.
   */
  @Override
  public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    long since;
    synchronized (this) {
      since = releases;
    }
    attempt(leaseLostCallback, nanoTime.getAsLong() + operationTimeout.toNanos(), since, answer);
    return answer.orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void attempt(Consumer<Optional<Throwable>> leaseLostCallback, long deadline, long since,
      CompletableFuture<Boolean> answer) {
    long held = currentEpoch();
    long sent = nanoTime.getAsLong();
    CompletableFuture.supplyAsync(() -> table.takeOrRenew(name(), owner(), held, ttl), blocking).whenComplete(
        (standing, error) -> {
          if (standing != null && standing.won()) {
            took(standing, sent, since, leaseLostCallback, answer);
            return;
          }
          // a failed statement (a connection reset, a lock wait) is tried again, as a held lease is
          Duration wait = error != null ? RETRY_AFTER_ERROR : standing.expiresIn().plusMillis(50);
          if (!answer.isDone() && nanoTime.getAsLong() + wait.toNanos() - deadline < 0) {
            scheduler.scheduleOnce(wait, () -> attempt(leaseLostCallback, deadline, since, answer), dispatcher);
          } else if (error != null) {
            answer.completeExceptionally(error);
          } else {
            log.warn("lease {}: not acquired by {}: {} holds it (epoch {}) for another {} s by the database's clock",
                name(), owner(), standing.holder(), standing.epoch(), standing.expiresIn().toMillis() / 1000.0);
            answer.complete(false);
          }
        });
  }

  private synchronized void took(LeaseTable.Standing standing, long sent, long since,
      Consumer<Optional<Throwable>> leaseLostCallback, CompletableFuture<Boolean> answer) {
    boolean letGoMeanwhile = releases != since; // its holder (a shard) stopped while the acquire was under way
    if ((answer.isDone() || letGoMeanwhile) && epoch != standing.epoch()) {
      // the caller stopped waiting (timed out, or stopped) and will ask again if it still wants it:
      // do not keep what it does not know it has
      blocking.execute(() -> table.release(name(), owner(), standing.epoch()));
      answer.complete(false);
      return;
    }
    if (letGoMeanwhile) {
      answer.complete(false); // a later acquire holds it under this same epoch: it stays that one's
      return;
    }
    if (epoch != standing.epoch()) {
      log.info("lease {}: acquired by {} (epoch {})", name(), owner(), standing.epoch());
    }
    epoch = standing.epoch();
    validUntilNanos = sent + ttl.minus(margin).toNanos();
    lastRenewalSent = sent;
    lostCallback = leaseLostCallback;
    lastRenewalError = null;
    lapsed = false;
    store.held(this, scheduler);
    answer.complete(true);
  }

  @Override
  public CompletionStage<Boolean> release() {
    long released;
    synchronized (this) {
      releases++;
      released = epoch;
      epoch = -1;
      lostCallback = null;
      store.letGo(this); // under the lease's lock, as took() adds it: an acquire landing now is not lost
    }
    if (released < 0) {
      return CompletableFuture.completedFuture(true); // not held: nothing to let go
    }
    return CompletableFuture.supplyAsync(() -> {
      table.release(name(), owner(), released);
      log.info("lease {}: released by {} (epoch {})", name(), owner(), released);
      return true;
    }, blocking).orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized boolean checkLease() {
    return epoch >= 0 && nanoTime.getAsLong() - validUntilNanos < 0;
  }

  /** The epoch this owner holds the lease under; -1 while it does not (or may no longer act on it). */
  public synchronized long epoch() {
    return checkLease() ? epoch : -1;
  }

  private synchronized long currentEpoch() {
    return epoch;
  }

  /** The epoch held, also while overdue; -1 while not held. */
  public synchronized long heldEpoch() {
    return epoch;
  }

  public synchronized Hold hold() {
    return epoch < 0 ? Hold.NONE : checkLease() ? Hold.ACTIVE : Hold.OVERDUE;
  }

  /** The instant (wall clock) this holder stops acting unless it renews first; null while not held. */
  public synchronized java.time.Instant actsUntil() {
    return epoch < 0 ? null : java.time.Instant.now().plusNanos(validUntilNanos - nanoTime.getAsLong());
  }

  public String name() {
    return settings.leaseName();
  }

  /**
   * Every {@link #checkEvery()} while held (its store looks at all its leases at once): renews when a renewal is due, and gives the lease up the moment its
   * term ran out, so that whatever runs under it stops before another owner can take it. A node
   * alone in its cluster keeps an overdue lease instead (the database is away, or the node was
   * paused, and nobody else can take it): acting waits until it is renewed again.
   */
  void check() {
    long held;
    boolean retake;
    synchronized (this) {
      if (epoch < 0) {
        return;
      }
      long now = nanoTime.getAsLong();
      boolean overdue = now - validUntilNanos >= 0;
      if (overdue && !lapsed) {
        if (lastRenewalError == null && renewing) {
          // a renewal sent a term ago has had no answer: the database is away, as much as when it fails
          lastRenewalError = new java.util.concurrent.TimeoutException("the database has not answered the renewal");
        }
        String why = "not renewed in time" + (lastRenewalError == null ? "" : " (" + lastRenewalError.getMessage() + ")");
        if (othersAlive.getAsBoolean()) {
          lost(Optional.ofNullable(lastRenewalError), why);
          return;
        }
        lapsed = true;
        log.warn("lease {}: {} (epoch {}); kept, as no other node could take it: nothing is done under it"
            + " until it is renewed", name(), why, epoch);
      } else if (lapsed && othersAlive.getAsBoolean()) {
        lost(Optional.ofNullable(lastRenewalError), "not renewed in time, and another node is in the cluster now");
        return;
      }
      if (renewing || (!lapsed && now - lastRenewalSent < renewEvery.toNanos())) {
        return;
      }
      renewing = true;
      held = epoch;
      retake = lapsed;
    }
    long sent = nanoTime.getAsLong();
    if (retake) {
      CompletableFuture.supplyAsync(() -> table.takeOrRenew(name(), owner(), held, ttl), blocking)
          .whenComplete((standing, error) -> afterRetake(held, sent, standing, error));
    } else {
      store.renew(new LeaseStore.Renewal(this, held, sent));
    }
  }

  /**
   * Another lease of this node is renewed now: this one is renewed with it (in the same statement)
   * unless it is being renewed already, or lapsed. Returns what to renew, or null.
   */
  synchronized LeaseStore.Renewal joinRenewal() {
    if (epoch < 0 || renewing || lapsed) {
      return null;
    }
    renewing = true;
    return new LeaseStore.Renewal(this, epoch, nanoTime.getAsLong());
  }

  Duration ttl() {
    return ttl;
  }

  synchronized void afterRenewal(long renewed, long sent, Boolean ok, Throwable error) {
    renewing = false;
    if (epoch != renewed) {
      return; // released or lost meanwhile
    }
    if (error != null) {
      if (lastRenewalError == null) {
        log.warn("lease {}: renewal failed ({}); trying again until it expires", name(), error.getMessage());
      }
      lastRenewalError = error;
    } else if (ok) {
      renewed(sent);
    } else if (nanoTime.getAsLong() - validUntilNanos >= 0) {
      // answered only after its term ran out (the database was away meanwhile): not a sign that
      // another owner took it; the next check gives it up or takes it back, as for any lapse
      lastRenewalError = null;
    } else {
      lost(Optional.empty(), "another owner holds it now");
    }
  }

  /** A lapsed lease asked for again: taken back under the next epoch only if nobody held it meanwhile. */
  private synchronized void afterRetake(long held, long sent, LeaseTable.Standing standing, Throwable error) {
    renewing = false;
    if (epoch != held) {
      return;
    }
    if (error != null) {
      lastRenewalError = error;
    } else if (standing.won() && (standing.epoch() == held || standing.epoch() == held + 1)) {
      if (standing.epoch() != held) {
        log.warn("lease {}: lapsed and taken back by {} (epoch {} -> {}); nobody held it meanwhile", name(), owner(),
            held, standing.epoch());
      } else {
        log.info("lease {}: renewed again by {} (epoch {})", name(), owner(), held);
      }
      epoch = standing.epoch();
      lapsed = false;
      renewed(sent);
    } else {
      if (standing.won()) {
        blocking.execute(() -> table.release(name(), owner(), standing.epoch()));
      }
      lost(Optional.empty(), "another owner held it meanwhile (epoch " + standing.epoch() + ")");
    }
  }

  private void renewed(long sent) {
    validUntilNanos = sent + ttl.minus(margin).toNanos();
    lastRenewalSent = sent;
    lastRenewalError = null;
  }

  // called holding the lock
  private void lost(Optional<Throwable> cause, String why) {
    log.warn("lease {}: lost by {} (epoch {}): {}", name(), owner(), epoch, why);
    epoch = -1;
    lapsed = false;
    store.letGo(this);
    if (cause.isPresent()) {
      store.cutOff(); // the database did not answer for a whole term, while another node could take it
    }
    Consumer<Optional<Throwable>> callback = lostCallback;
    lostCallback = null;
    if (callback != null) {
      // on the leases' pool, not under this lock: the shard stops with its chains (their processes
      // killed); a node cut off from the database stops its whole shard region as well (ShardFence)
      blocking.execute(() -> callback.accept(cause));
    }
  }

  /** Who holds the lease in baton_lease: the node's name (or, without one, the owner Pekko named). */
  public String owner() {
    return store.owner() != null ? store.owner() : settings.ownerName();
  }
}
