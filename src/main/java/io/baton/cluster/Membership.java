package io.baton.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Brings this node into the cluster of its database's nodes and reports who comes and goes.
 *
 * <p>The seed nodes are the live nodes' realtime_status rows (heartbeat within the lease ttl),
 * this node's own among them, ordered by address: every node that starts orders the same rows the
 * same way, so the first of them forms the cluster and the others join it. A node alone forms a
 * cluster of one. Until this node is up, it reads the rows again every {@code every} and joins
 * anew when they changed, so a seed that died while it was joining is dropped from its list; if
 * the first seed has not answered within {@link #PATIENCE}, it puts itself first (Pekko lets only
 * the first seed form a cluster). Rows whose address is not a Baton node's are ignored with a warning.
 */
public final class Membership {

  public sealed interface Command {}

  private record Look() implements Command {}

  private record Found(List<String> addresses, Throwable error) implements Command {}

  private record Up() implements Command {}

  private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

  /** How long the first seed may leave this node waiting before it puts itself first. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final Cluster cluster;
  private final Supplier<List<String>> liveAddresses;
  private final Executor blocking;
  private List<Address> seeds = List.of(); // as the rows show them
  private long joinedAt; // System.nanoTime() of the last JoinSeedNodes
  private boolean selfFirst; // seeds reordered to put this node first, after none answered
  private boolean up;
  private boolean downed;

  /**
   * {@code liveAddresses}: the cluster addresses on the rows of the live nodes (a blocking read,
   * run on {@code blocking}); this node's row must already show its own.
   */
  public static Behavior<Command> create(Supplier<List<String>> liveAddresses, Duration every, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Look.class, new Look(), Duration.ZERO, every);
      return new Membership(ctx, timers, liveAddresses, blocking).behavior(timers);
    }));
  }

  private Membership(ActorContext<Command> context, TimerScheduler<Command> timers,
      Supplier<List<String>> liveAddresses, Executor blocking) {
    this.context = context;
    context.setLoggerName(Membership.class);
    this.cluster = Cluster.get(context.getSystem());
    this.liveAddresses = liveAddresses;
    this.blocking = blocking;
    cluster.subscriptions().tell(Subscribe.create(
        context.messageAdapter(SelfUp.class, m -> new Up()), SelfUp.class));
    cluster.subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberEvent.class, Changed::new), ClusterEvent.MemberEvent.class));
    cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ClusterEvent.ReachabilityEvent.class,
        Changed::new), ClusterEvent.ReachabilityEvent.class));
  }

  private Behavior<Command> behavior(TimerScheduler<Command> timers) {
    return Behaviors.receive(Command.class)
        .onMessage(Look.class, m -> look())
        .onMessage(Found.class, this::onFound)
        .onMessage(Up.class, m -> {
          up = true;
          timers.cancel(Look.class);
          context.getLog().info("cluster: this node ({}) is up", cluster.selfMember().address());
          return Behaviors.same();
        })
        .onMessage(Changed.class, this::onChanged)
        .build();
  }

  private Behavior<Command> look() {
    if (!up) {
      context.pipeToSelf(CompletableFuture.supplyAsync(liveAddresses, blocking),
          (addresses, error) -> new Found(addresses, error));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFound(Found m) {
    if (up) {
      return Behaviors.same();
    }
    if (m.error() != null) {
      context.getLog().warn("cluster: the live nodes cannot be read ({}); trying again", m.error().getMessage());
      return Behaviors.same();
    }
    Address self = cluster.selfMember().address();
    TreeMap<String, Address> byAddress = new TreeMap<>(Map.of(self.toString(), self));
    for (String address : m.addresses()) {
      Address parsed = parse(address);
      if (parsed != null && parsed.hasGlobalScope() && parsed.system().equals(self.system())
          && parsed.protocol().equals(self.protocol())) {
        byAddress.put(address, parsed);
      } else {
        context.getLog().warn("cluster: a realtime_status row shows the cluster address '{}', which is not one of a"
            + " Baton node ({}://{}@host:port); ignored", address, self.protocol(), self.system());
      }
    }
    List<Address> found = List.copyOf(byAddress.values());
    if (!found.equals(seeds)) {
      seeds = found;
      selfFirst = false;
      context.getLog().info(seeds.size() == 1 ? "cluster: no other node is alive; {} forms a cluster of one"
          : "cluster: joining the live nodes {}", seeds.size() == 1 ? self : seeds);
      join(seeds);
    } else if (!selfFirst && System.nanoTime() - joinedAt > PATIENCE.toNanos()) {
      // the first seed does not answer (a dead process whose row is still fresh, a hostile row), and
      // only the first seed may form a cluster: this node becomes the first, joining any that answers
      selfFirst = true;
      List<Address> mineFirst = new ArrayList<>(List.of(self));
      seeds.stream().filter(seed -> !seed.equals(self)).forEach(mineFirst::add);
      context.getLog().warn("cluster: none of {} let this node join within {} s; it joins any of them that answers"
          + " now, or forms the cluster itself", seeds, PATIENCE.toSeconds());
      join(mineFirst);
    }
    return Behaviors.same();
  }

  private void join(List<Address> seedNodes) {
    joinedAt = System.nanoTime();
    cluster.manager().tell(new JoinSeedNodes(seedNodes));
  }

  private static Address parse(String address) {
    try {
      return AddressFromURIString.parse(address);
    } catch (Exception e) { // Scala throws java.net.MalformedURLException, unchecked here
      return null;
    }
  }

  private Behavior<Command> onChanged(Changed m) {
    if (downed) {
      return Behaviors.same(); // what a removed node hears next is its own removal replayed, not news
    }
    if (m.event() instanceof ClusterEvent.MemberUp e && !e.member().address().equals(cluster.selfMember().address())) {
      context.getLog().info("cluster: {} is up", e.member().address());
    } else if (m.event() instanceof ClusterEvent.MemberDowned e) {
      if (e.member().address().equals(cluster.selfMember().address())) {
        downed = true;
        context.getLog().warn("cluster: the others downed this node while it was unreachable (frozen, or cut off"
            + " from them): it stops, and starts again as a new member");
      } else {
        context.getLog().warn("cluster: {} was downed by the split brain resolver", e.member().address());
      }
    } else if (m.event() instanceof ClusterEvent.MemberRemoved e) {
      context.getLog().info("cluster: {} left the cluster (was {})", e.member().address(), e.previousStatus());
    } else if (m.event() instanceof ClusterEvent.UnreachableMember e) {
      context.getLog().warn("cluster: {} is unreachable", e.member().address());
    } else if (m.event() instanceof ClusterEvent.ReachableMember e) {
      context.getLog().info("cluster: {} is reachable again", e.member().address());
    }
    return Behaviors.same();
  }
}
