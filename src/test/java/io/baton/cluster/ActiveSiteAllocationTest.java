package io.baton.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** Where shards go and when they move, with regions named by their node and the node's site (null: not up). */
class ActiveSiteAllocationTest {

  private static List<String> shards(int from, int count) {
    return IntStream.range(from, from + count).mapToObj(String::valueOf).toList();
  }

  private static Optional<String> home(Map<String, List<String>> regions, Map<String, String> sites) {
    return ActiveSiteAllocation.home(regions, sites::get, ActiveSiteAllocation.activeSite(sites.values()),
        Function.identity());
  }

  private static Set<String> toMove(Map<String, List<String>> regions, Map<String, String> sites, Set<String> moving) {
    return ActiveSiteAllocation.toMove(regions, sites::get, ActiveSiteAllocation.activeSite(sites.values()), moving);
  }

  @Test
  void aNewShardGoesToTheMainNodeHostingFewestWhileAMainNodeIsUp() {
    Map<String, List<String>> regions = Map.of("a", shards(0, 5), "b", shards(5, 3), "c", shards(8, 1));
    assertEquals(Optional.of("b"), home(regions, Map.of("a", "main", "b", "main", "c", "bkp")));
  }

  @Test
  void withNoMainNodeUpShardsGoToBkpNodes() {
    Map<String, List<String>> regions = Map.of("a", shards(0, 5), "c", shards(5, 1));
    Map<String, String> sites = new HashMap<>(Map.of("c", "bkp"));
    sites.put("a", null); // a main node being downed does not count
    assertEquals(Optional.of("c"), home(regions, sites));
  }

  @Test
  void noRegionOfTheActiveSiteMeansTheShardWaits() {
    assertEquals(Optional.empty(), home(Map.of("c", shards(0, 1)), Map.of("c", "bkp", "a", "main")));
  }

  @Test
  void aReturningMainNodeTakesEveryShardOffTheBkpNodes() {
    Map<String, List<String>> regions = Map.of("a", List.of(), "c", shards(0, 30));
    assertEquals(Set.copyOf(shards(0, 30)), toMove(regions, Map.of("a", "main", "c", "bkp"), Set.of()));
  }

  @Test
  void aJoiningNodeTakesItsShareAFewShardsAtATime() {
    Map<String, List<String>> regions = new HashMap<>(Map.of("a", shards(0, 15), "b", shards(15, 15), "d", List.of()));
    Map<String, String> sites = Map.of("a", "main", "b", "main", "d", "main");
    int rounds = 0;
    while (true) {
      Set<String> moved = toMove(regions, sites, Set.of());
      if (moved.isEmpty()) {
        break;
      }
      assertTrue(moved.size() <= ActiveSiteAllocation.MOST_MOVED_AT_ONCE, "a few at a time: " + moved);
      regions.replaceAll((region, held) -> held.stream().filter(s -> !moved.contains(s)).toList());
      regions.merge("d", List.copyOf(moved), (held, more) -> java.util.stream.Stream.concat(held.stream(),
          more.stream()).toList());
      rounds++;
    }
    Map<String, Integer> counts = regions.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
    assertEquals(Map.of("a", 10, "b", 10, "d", 10), counts);
    assertEquals(1, rounds);
  }

  @Test
  void nothingMovesWhileAMoveIsInProgressOrOffANodeThatIsNotUp() {
    Map<String, List<String>> regions = Map.of("a", shards(0, 20), "b", shards(20, 10));
    assertEquals(Set.of(), toMove(regions, Map.of("a", "main", "b", "main"), Set.of("25")));
    Map<String, String> sites = new HashMap<>(Map.of("b", "main"));
    sites.put("a", null);
    assertEquals(Set.of(), toMove(regions, sites, Set.of()), "a node being downed keeps its shards until it is gone");
  }

  @Test
  void aMainNodeWhoseRegionStoppedNoLongerHoldsTheShardsBackFromTheBkpNodes() {
    long[] now = {0};
    ActiveSiteAllocation allocation = allocation(now);
    assertEquals("main", allocation.activeSite(up(MAIN, BKP), Set.of(MAIN, BKP)));
    // cut off from the database, the main node stops its region but stays a member
    now[0] += 1_000_000;
    assertEquals("bkp", allocation.activeSite(up(MAIN, BKP), Set.of(BKP)), "at once: its region was registered before");
    // unreachable for a moment, then back: still the member whose region stopped
    assertEquals("bkp", allocation.activeSite(new ActiveSiteAllocation.Members(Map.of(BKP, "bkp"),
        Set.of(MAIN, BKP)), Set.of(BKP)));
    assertEquals("bkp", allocation.activeSite(up(MAIN, BKP), Set.of(BKP)));
    // it leaves the cluster and joins again as a new member: while it may yet register a region, it counts
    assertEquals("bkp", allocation.activeSite(up(BKP), Set.of(BKP)));
    assertEquals("main", allocation.activeSite(up(MAIN, BKP), Set.of(BKP)));
    assertEquals("main", allocation.activeSite(up(MAIN, BKP), Set.of(MAIN, BKP)));
  }

  @Test
  void aMainNodeSeenUpCountsForTenSecondsBeforeItsRegionIsRegistered() {
    long[] now = {0};
    ActiveSiteAllocation allocation = allocation(now);
    assertEquals("main", allocation.activeSite(up(MAIN, BKP), Set.of(BKP)), "shards wait for the main node's region");
    now[0] += ActiveSiteAllocation.REGISTERS_WITHIN.toNanos() - 1;
    assertEquals("main", allocation.activeSite(up(MAIN, BKP), Set.of(BKP)));
    now[0] += 1;
    assertEquals("bkp", allocation.activeSite(up(MAIN, BKP), Set.of(BKP)),
        "a main node that never registers one stops counting");
    assertEquals("main", allocation.activeSite(up(MAIN, BKP), Set.of(MAIN, BKP)), "until it does");
  }

  private static final Address MAIN = new Address("pekko", "baton", "127.0.0.1", 25521);
  private static final Address BKP = new Address("pekko", "baton", "127.0.0.1", 25522);

  private static ActiveSiteAllocation allocation(long[] now) {
    return new ActiveSiteAllocation(() -> up(), MAIN, () -> now[0]);
  }

  /** These members up and reachable, and no other: MAIN's site is main, BKP's bkp. */
  private static ActiveSiteAllocation.Members up(Address... members) {
    Map<Address, String> sites = new HashMap<>();
    for (Address member : members) {
      sites.put(member, member.equals(MAIN) ? "main" : "bkp");
    }
    return new ActiveSiteAllocation.Members(sites, Set.copyOf(sites.keySet()));
  }
}
