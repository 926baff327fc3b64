package io.baton.cluster;

import io.baton.db.LeaseTable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.Cancellable;
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

  private final LeaseSettings settings;
  private final LeaseTable table;
  private final Executor blocking;
  private final Scheduler scheduler;
  private final ExecutionContext dispatcher;
  private final LongSupplier nanoTime;
  private final Duration ttl;
  private final Duration renewEvery;
  private final Duration margin;
  private final Duration operationTimeout;

  // guarded by this
  private long epoch = -1; // -1: not held
  private long validUntilNanos;
  private Consumer<Optional<Throwable>> lostCallback;
  private Cancellable renewals;
  private boolean renewing;
  private Throwable lastRenewalError;

  /** Built by Pekko's LeaseProvider from the lease's configuration. */
  public DatabaseLease(LeaseSettings settings, ExtendedActorSystem system) {
    this(settings, LeaseStore.get(system), system.scheduler(), system.dispatcher(), System::nanoTime);
  }

  DatabaseLease(LeaseSettings settings, LeaseStore store, Scheduler scheduler, ExecutionContext dispatcher,
      LongSupplier nanoTime) {
    this.settings = settings;
    this.table = store.table();
    this.blocking = store.blocking();
    this.scheduler = scheduler;
    this.dispatcher = dispatcher;
    this.nanoTime = nanoTime;
    this.ttl = settings.timeoutSettings().getHeartbeatTimeout();
    this.renewEvery = settings.timeoutSettings().getHeartbeatInterval();
    this.operationTimeout = settings.timeoutSettings().getOperationTimeout();
    if (renewEvery.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("lease " + settings.leaseName() + ": heartbeat-interval (" + renewEvery
          + ") must be shorter than heartbeat-timeout (" + ttl + "), or the lease lapses between renewals");
    }
    Duration quarter = ttl.dividedBy(4);
    this.margin = quarter.compareTo(SAFETY_MARGIN) < 0 ? quarter : SAFETY_MARGIN;
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
    attempt(leaseLostCallback, nanoTime.getAsLong() + operationTimeout.toNanos(), answer);
    return answer.orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void attempt(Consumer<Optional<Throwable>> leaseLostCallback, long deadline,
      CompletableFuture<Boolean> answer) {
    long held = currentEpoch();
    long sent = nanoTime.getAsLong();
    CompletableFuture.supplyAsync(() -> table.takeOrRenew(name(), owner(), held, ttl), blocking).whenComplete(
        (standing, error) -> {
          if (standing != null && standing.won()) {
            took(standing, sent, leaseLostCallback, answer);
            return;
          }
          // a failed statement (a connection reset, a lock wait) is tried again, as a held lease is
          Duration wait = error != null ? RETRY_AFTER_ERROR : standing.expiresIn().plusMillis(50);
          if (!answer.isDone() && nanoTime.getAsLong() + wait.toNanos() - deadline < 0) {
            scheduler.scheduleOnce(wait, () -> attempt(leaseLostCallback, deadline, answer), dispatcher);
          } else if (error != null) {
            answer.completeExceptionally(error);
          } else {
            log.warn("lease {}: not acquired by {}: {} holds it (epoch {}) for another {} s by the database's clock",
                name(), owner(), standing.holder(), standing.epoch(), standing.expiresIn().toMillis() / 1000.0);
            answer.complete(false);
          }
        });
  }

  private synchronized void took(LeaseTable.Standing standing, long sent,
      Consumer<Optional<Throwable>> leaseLostCallback, CompletableFuture<Boolean> answer) {
    if (answer.isDone() && epoch != standing.epoch()) {
      // the caller stopped waiting (timed out) and will ask again: do not keep what it does not know it has
      blocking.execute(() -> table.release(name(), owner(), standing.epoch()));
      return;
    }
    if (epoch != standing.epoch()) {
      log.info("lease {}: acquired by {} (epoch {})", name(), owner(), standing.epoch());
    }
    epoch = standing.epoch();
    validUntilNanos = sent + ttl.minus(margin).toNanos();
    lostCallback = leaseLostCallback;
    lastRenewalError = null;
    if (renewals == null) {
      renewals = scheduler.scheduleWithFixedDelay(renewEvery, renewEvery, this::renew, dispatcher);
    }
    answer.complete(true);
  }

  @Override
  public CompletionStage<Boolean> release() {
    long released;
    synchronized (this) {
      released = epoch;
      epoch = -1;
      stopRenewing();
      lostCallback = null;
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

  private void renew() {
    long renewed;
    synchronized (this) {
      if (epoch < 0) {
        return;
      }
      if (nanoTime.getAsLong() - validUntilNanos >= 0) {
        lost(Optional.ofNullable(lastRenewalError), "not renewed in time"
            + (lastRenewalError == null ? "" : " (" + lastRenewalError.getMessage() + ")"));
        return;
      }
      if (renewing) {
        return; // the last renewal has not been answered yet
      }
      renewing = true;
      renewed = epoch;
    }
    long sent = nanoTime.getAsLong();
    CompletableFuture.supplyAsync(() -> table.renew(name(), owner(), renewed, ttl), blocking)
        .whenComplete((ok, error) -> afterRenewal(renewed, sent, ok, error));
  }

  private synchronized void afterRenewal(long renewed, long sent, Boolean ok, Throwable error) {
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
      validUntilNanos = sent + ttl.minus(margin).toNanos();
      lastRenewalError = null;
    } else {
      lost(Optional.empty(), "another owner holds it now");
    }
  }

  // called holding the lock
  private void lost(Optional<Throwable> cause, String why) {
    log.warn("lease {}: lost by {} (epoch {}): {}", name(), owner(), epoch, why);
    epoch = -1;
    stopRenewing();
    Consumer<Optional<Throwable>> callback = lostCallback;
    lostCallback = null;
    if (callback != null) {
      blocking.execute(() -> callback.accept(cause));
    }
  }

  private void stopRenewing() {
    if (renewals != null) {
      renewals.cancel();
      renewals = null;
    }
  }

  private String name() {
    return settings.leaseName();
  }

  private String owner() {
    return settings.ownerName();
  }
}
