package io.baton.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import scala.collection.immutable.IndexedSeq;
import org.apache.pekko.dispatch.Futures;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Where shards go: only to nodes of the active site, which is {@code main} while any main node can
 * host shards, else {@code bkp}; among those, to the one hosting fewest. A rebalance moves every
 * shard off a node of the other site (a main node came back), then evens the counts out a few
 * shards at a time. A node's site is its cluster role ({@link #roleOf}). Only up, reachable members
 * count: a node being downed or leaving keeps its shards until the cluster lets it go (a hand-off
 * it cannot answer would hold the shards up).
 *
 * <p>A member makes its site active while its shard region is registered, and while it may yet
 * register one: for {@link #REGISTERS_WITHIN} after this coordinator first saw it up. A member whose
 * region stopped (a node cut off from the database stops it, and stays a member until the database
 * answers it again) no longer counts, so a cut-off main node does not hold every shard back from
 * the bkp nodes. A coordinator that moves to another node starts without this memory: such a
 * member counts again for {@link #REGISTERS_WITHIN}, while shards wait. Each rebalance decides
 * the active site and allocations follow its decision, so that a region shutting down (which
 * Pekko offers to rebalance but not to allocation) cannot make shards go back and forth.
 */
public final class ActiveSiteAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {

  /** Shards moved at most at once, so that a joining node takes its share in steps. */
  static final int MOST_MOVED_AT_ONCE = 10;

  /** How long a member seen up without a shard region counts for its site: a starting node registers one in seconds. */
  static final java.time.Duration REGISTERS_WITHIN = java.time.Duration.ofSeconds(10);

  /**
   * The cluster as the coordinator sees it: each up and reachable member's address and site
   * ({@code upSites}), and the address of every member, reachable or not ({@code all}).
   */
  record Members(Map<Address, String> upSites, Set<Address> all) {}

  private final Supplier<Members> members;
  private final Address self;
  private final java.util.function.LongSupplier nanoTime;
  // guarded by this; a member that left the cluster is forgotten, so one coming back is seen anew
  private final Map<Address, Long> firstSeen = new HashMap<>(); // each up member: when first seen (nanoTime)
  private final Set<Address> registered = new HashSet<>(); // members whose region was registered
  private String lastActive; // as the last rebalance found it; null before the first

  /**
   * {@code members}: the cluster now; {@code self}: this node's address (the coordinator's own
   * region has a local reference without one).
   */
  public ActiveSiteAllocation(Supplier<Members> members, Address self) {
    this(members, self, System::nanoTime);
  }

  ActiveSiteAllocation(Supplier<Members> members, Address self, java.util.function.LongSupplier nanoTime) {
    this.members = members;
    this.self = self;
    this.nanoTime = nanoTime;
  }

  /** For a cluster member of this actor system: its members, and the sites read from their roles. */
  public static ActiveSiteAllocation of(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
    return new ActiveSiteAllocation(() -> {
      Map<Address, String> sites = new HashMap<>();
      Set<Address> all = new HashSet<>();
      org.apache.pekko.cluster.ClusterEvent.CurrentClusterState state = cluster.state();
      for (org.apache.pekko.cluster.Member member : state.getMembers()) {
        all.add(member.address());
        if (member.status() == MemberStatus.up() && !state.getUnreachable().contains(member)) {
          member.getRoles().stream().filter(r -> r.startsWith(PREFIX)).findFirst()
              .ifPresent(role -> sites.put(member.address(), role.substring(PREFIX.length())));
        }
      }
      return new Members(sites, all);
    }, cluster.selfMember().address());
  }

  private static final String PREFIX = "site-";

  /** The cluster role of a node of {@code site} (main or bkp). */
  public static String roleOf(String site) {
    return PREFIX + site.toLowerCase(Locale.ROOT);
  }

  @Override
  public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
      Map<ActorRef, IndexedSeq<String>> current) {
    Members now = members.get();
    Map<Address, String> sites = now.upSites();
    Map<ActorRef, List<String>> regions = new HashMap<>();
    current.forEach((region, shards) -> regions.put(region, CollectionConverters.asJava(shards)));
    // as the last rebalance decided: Pekko leaves a region that is shutting down out of the regions
    // it offers here but not out of those it gives rebalance, and two views would bounce shards
    String last = lastActive();
    String active = last != null ? last : activeSite(now, hosting(regions.keySet()));
    return home(regions, region -> sites.get(addressOf(region)), active, region -> addressOf(region).toString())
        .map(Futures::successful)
        .orElseGet(() -> Futures.failed(new IllegalStateException("shard " + shardId
            + " waits: no node of the active site (" + active + ") has registered yet")));
  }

  @Override
  public Future<java.util.Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current,
      java.util.Set<String> inProgress) {
    Members now = members.get();
    Map<Address, String> sites = now.upSites();
    Map<ActorRef, List<String>> regions = new HashMap<>();
    current.forEach((region, shards) -> regions.put(region, CollectionConverters.asJava(shards)));
    String active = activeSite(now, hosting(regions.keySet()));
    synchronized (this) {
      lastActive = active;
    }
    return Futures.successful(toMove(regions, region -> sites.get(addressOf(region)), active, inProgress));
  }

  private synchronized String lastActive() {
    return lastActive;
  }

  /**
   * The active site among the up members: those whose region is registered now ({@code hosting}),
   * and those first seen less than {@link #REGISTERS_WITHIN} ago whose region has not been
   * registered yet. Members are remembered while they belong to the cluster, reachable or not.
   */
  synchronized String activeSite(Members members, Set<Address> hosting) {
    long now = nanoTime.getAsLong();
    firstSeen.keySet().retainAll(members.all());
    registered.retainAll(members.all());
    hosting.stream().filter(members.all()::contains).forEach(registered::add);
    List<String> counted = new ArrayList<>();
    members.upSites().forEach((member, site) -> {
      long seen = firstSeen.computeIfAbsent(member, m -> now);
      if (hosting.contains(member) || !registered.contains(member) && now - seen < REGISTERS_WITHIN.toNanos()) {
        counted.add(site);
      }
    });
    return activeSite(counted);
  }

  /**
   * The region that gets a new shard: of the {@code active} site, hosting fewest, the first by
   * {@code name} among equals. {@code siteOf} is null for a region whose node is not up and reachable.
   */
  static <R> java.util.Optional<R> home(Map<R, List<String>> regions, Function<R, String> siteOf, String active,
      Function<R, String> name) {
    return regions.entrySet().stream()
        .filter(region -> active.equals(siteOf.apply(region.getKey())))
        .min(Comparator.<Map.Entry<R, List<String>>>comparingInt(region -> region.getValue().size())
            .thenComparing(region -> name.apply(region.getKey())))
        .map(Map.Entry::getKey);
  }

  /**
   * The shards to move now: every shard of an up node of the other site; else, once no move is in
   * progress, a few from the fullest region of the active site while it has two more than the emptiest.
   */
  static <R> Set<String> toMove(Map<R, List<String>> regions, Function<R, String> siteOf, String active,
      Set<String> inProgress) {
    Map<R, List<String>> eligible = new HashMap<>();
    Set<String> moved = new HashSet<>();
    regions.forEach((region, shards) -> {
      String site = siteOf.apply(region);
      if (active.equals(site)) {
        eligible.put(region, new ArrayList<>(shards));
      } else if (site != null) {
        moved.addAll(shards); // an up node of the other site gives its shards up
      } // a node not up and reachable (being downed, leaving) is left alone: it could not hand over
    });
    moved.removeAll(inProgress);
    if (eligible.isEmpty()) {
      return Set.of(); // nowhere to put them yet
    }
    if (!moved.isEmpty() || !inProgress.isEmpty()) {
      return moved;
    }
    for (int i = 0; i < MOST_MOVED_AT_ONCE; i++) {
      List<String> fullest = eligible.values().stream().max(Comparator.comparingInt(List::size)).orElseThrow();
      List<String> emptiest = eligible.values().stream().min(Comparator.comparingInt(List::size)).orElseThrow();
      if (fullest.size() - emptiest.size() < 2) {
        break;
      }
      String shard = fullest.remove(fullest.size() - 1);
      emptiest.add(shard);
      moved.add(shard);
    }
    return moved;
  }

  /** {@code main} if any of the counted members' sites is main, else {@code bkp}. */
  static String activeSite(java.util.Collection<String> upSites) {
    return upSites.contains("main") ? "main" : "bkp";
  }

  private Set<Address> hosting(java.util.Collection<ActorRef> regions) {
    Set<Address> hosting = new HashSet<>();
    regions.forEach(region -> hosting.add(addressOf(region)));
    return hosting;
  }

  private Address addressOf(ActorRef region) {
    Address address = region.path().address();
    return address.hasGlobalScope() ? address : self;
  }
}
