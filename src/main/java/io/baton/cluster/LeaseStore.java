package io.baton.cluster;

import io.baton.db.LeaseTable;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.ExtensionSetup;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import scala.concurrent.ExecutionContext;

/**
 * Where a node's {@link DatabaseLease}s are kept: its database's lease table, and the pool their
 * statements run on. Pekko builds leases itself, by class name, so they find their node's store
 * through this extension of the node's actor system, which is created with it.
 */
public final class LeaseStore implements Extension {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LeaseStore.class);

  private static final ExtensionId<LeaseStore> ID = new ExtensionId<>() {
    @Override
    public LeaseStore createExtension(ActorSystem<?> system) {
      throw new IllegalStateException("actor system " + system.name() + " was created without a lease store:"
          + " database leases need the node's database");
    }
  };

  private final LeaseTable table;
  private final Executor blocking;
  private final java.util.Set<DatabaseLease> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private Cancellable checks; // guarded by held: while any lease is held
  private final java.util.concurrent.atomic.AtomicBoolean cutOff = new java.util.concurrent.atomic.AtomicBoolean();

  private final String owner;

  /** A store whose leases are held under the owner names Pekko gives them (tests of the lease alone). */
  public LeaseStore(LeaseTable table, Executor blocking) {
    this(table, blocking, null);
  }

  /**
   * A node's store: its leases are held under the node's name, so operators read who holds what,
   * and the node started again after a crash takes back at once what its earlier run held.
   */
  public LeaseStore(LeaseTable table, Executor blocking, String owner) {
    this.table = table;
    this.blocking = blocking;
    this.owner = owner;
  }

  /** The name leases are held under; null: the owner name Pekko gives each lease. */
  String owner() {
    return owner;
  }

  public static LeaseStore get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  static LeaseStore get(org.apache.pekko.actor.ActorSystem system) {
    return get(Adapter.toTyped(system));
  }

  /** What the node's actor system is created with, so that its leases find this store. */
  public Setup setup() {
    LeaseStore store = this;
    return new ExtensionSetup<LeaseStore>(ID, system -> store) {};
  }

  /** The leases this node holds now (also while overdue). */
  public java.util.Collection<DatabaseLease> held() {
    return java.util.List.copyOf(held);
  }

  /**
   * True once, after a lease was lost because the database did not answer its renewals for a whole
   * term while other nodes were in the cluster: this node is cut off from the database.
   */
  public boolean takeCutOff() {
    return cutOff.getAndSet(false);
  }

  void cutOff() {
    cutOff.set(true);
  }

  /**
   * {@code lease} is held now: it is looked at every {@link DatabaseLease#checkEvery()}, with
   * every other lease held here (one timer per node, not one per shard: a node's leases share their
   * settings).
   */
  void held(DatabaseLease lease, Scheduler scheduler) {
    synchronized (held) {
      held.add(lease);
      if (checks == null) {
        // on the timer's own thread (a check never blocks): a lapse is seen on time however busy the
        // actors are, and however long the database makes the leases' statements wait
        checks = scheduler.scheduleWithFixedDelay(lease.checkEvery(), lease.checkEvery(), this::checkAll,
            ExecutionContext.parasitic$.MODULE$);
      }
    }
  }

  /** One lease's check that fails is logged; it never stops the checks of the others, nor the next ones. */
  private void checkAll() {
    for (DatabaseLease lease : held) {
      try {
        lease.check();
      } catch (RuntimeException e) {
        log.error("lease {}: its check failed; it is checked again shortly", lease.name(), e);
      }
    }
  }

  void letGo(DatabaseLease lease) {
    synchronized (held) {
      held.remove(lease);
      if (held.isEmpty() && checks != null) {
        checks.cancel();
        checks = null;
      }
    }
  }

  /** A renewal asked for: the lease, the epoch it is held under, when it was asked (System.nanoTime). */
  record Renewal(DatabaseLease lease, long epoch, long sent) {}

  private final java.util.List<Renewal> renewals = new java.util.ArrayList<>();

  /**
   * Renews {@code due} together with every other lease this node holds that can join (one
   * statement per node and renewal interval, however many shards it holds), on the blocking pool;
   * each lease hears its own answer.
   */
  void renew(Renewal due) {
    synchronized (renewals) {
      renewals.add(due);
    }
    for (DatabaseLease other : held) {
      if (other != due.lease()) {
        Renewal joined = other.joinRenewal();
        if (joined != null) {
          synchronized (renewals) {
            renewals.add(joined);
          }
        }
      }
    }
    try {
      blocking.execute(this::renewQueued);
    } catch (java.util.concurrent.RejectedExecutionException e) { // the node is stopping
      java.util.List<Renewal> refused;
      synchronized (renewals) {
        refused = java.util.List.copyOf(renewals);
        renewals.clear();
      }
      refused.forEach(r -> r.lease().afterRenewal(r.epoch(), r.sent(), null, e));
    }
  }

  private void renewQueued() {
    java.util.List<Renewal> batch;
    synchronized (renewals) {
      if (renewals.isEmpty()) {
        return; // taken by an earlier run of this
      }
      batch = java.util.List.copyOf(renewals);
      renewals.clear();
    }
    // one statement per owner and term (a node's leases share both)
    java.util.Map<java.util.List<Object>, java.util.List<Renewal>> groups = new java.util.HashMap<>();
    batch.forEach(r -> groups.computeIfAbsent(java.util.List.of(r.lease().owner(), r.lease().ttl()),
        k -> new java.util.ArrayList<>()).add(r));
    groups.forEach((key, renewing) -> {
      String owner = renewing.get(0).lease().owner();
      java.time.Duration ttl = renewing.get(0).lease().ttl();
      try {
        boolean all = table.renewAll(owner, renewing.stream()
            .map(r -> new LeaseTable.Held(r.lease().name(), r.epoch())).toList(), ttl);
        for (Renewal r : renewing) {
          // not all renewed: which were is asked one by one (rare: a lease lost meanwhile)
          boolean ok = all || table.renew(r.lease().name(), owner, r.epoch(), ttl);
          r.lease().afterRenewal(r.epoch(), r.sent(), ok, null);
        }
      } catch (RuntimeException e) {
        if (renewing.size() == 1) {
          renewing.get(0).lease().afterRenewal(renewing.get(0).epoch(), renewing.get(0).sent(), null, e);
        } else {
          // the one statement failed (a row locked by hand, a lost connection): each lease on its own, side by side
          renewing.forEach(r -> blocking.execute(() -> renewAlone(r, owner, ttl)));
        }
      }
    });
  }

  private void renewAlone(Renewal r, String owner, java.time.Duration ttl) {
    boolean ok;
    try {
      ok = table.renew(r.lease().name(), owner, r.epoch(), ttl);
    } catch (RuntimeException e) {
      r.lease().afterRenewal(r.epoch(), r.sent(), null, e);
      return;
    }
    r.lease().afterRenewal(r.epoch(), r.sent(), ok, null);
  }

  LeaseTable table() {
    return table;
  }

  Executor blocking() {
    return blocking;
  }
}
