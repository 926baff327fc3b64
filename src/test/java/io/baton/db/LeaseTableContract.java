package io.baton.db;

import static io.baton.db.DbTestSupport.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** LeaseTable (baton_lease), run on H2 and on MariaDB by the subclasses. */
abstract class LeaseTableContract extends FreshDatabase {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final String SHARD = "baton-shard-chain-7";

  LeaseTableContract(Kind kind) {
    super(kind);
  }

  /** The database's clock moves past the lease's end, as if its holder stopped renewing a ttl ago. */
  private void expire(String name) {
    exec(ds, "UPDATE baton_lease SET lease_until = TIMESTAMPADD(SECOND, -1, CURRENT_TIMESTAMP(3))"
        + " WHERE lease_name = '" + name + "'");
  }

  @Test
  void theFirstOwnerToAskHoldsANewLeaseAndOthersAreRefusedWhileItLasts() {
    LeaseTable leases = new LeaseTable(ds);
    assertNull(leases.read(SHARD), "nobody asked for it yet");

    LeaseTable.Standing first = leases.takeOrRenew(SHARD, "node-a:25520", -1, TTL);
    assertTrue(first.won());
    assertEquals("node-a:25520", first.holder());
    assertEquals(1, first.epoch());
    assertTrue(first.expiresIn().compareTo(TTL.minusSeconds(5)) > 0, "about a ttl left: " + first.expiresIn());

    LeaseTable.Standing other = leases.takeOrRenew(SHARD, "node-b:25520", -1, TTL);
    assertFalse(other.won());
    assertEquals("node-a:25520", other.holder(), "the refused owner learns who holds it");
    assertFalse(leases.renew(SHARD, "node-b:25520", 1, TTL), "only the holder renews");
  }

  @Test
  void theHolderRenewsUnderItsEpochAndAnExpiredLeaseGoesToTheNextOwnerUnderANewEpoch() {
    LeaseTable leases = new LeaseTable(ds);
    long epoch = leases.takeOrRenew(SHARD, "node-a", -1, TTL).epoch();
    assertTrue(leases.renew(SHARD, "node-a", epoch, TTL));
    LeaseTable.Standing again = leases.takeOrRenew(SHARD, "node-a", epoch, TTL);
    assertTrue(again.won());
    assertEquals(epoch, again.epoch(), "renewing keeps the epoch");
    assertFalse(leases.renew(SHARD, "node-a", epoch + 1, TTL), "an epoch it does not hold is not renewed");

    expire(SHARD);
    assertFalse(leases.renew(SHARD, "node-a", epoch, TTL), "an expired lease is not renewed, only acquired anew");
    LeaseTable.Standing taken = leases.takeOrRenew(SHARD, "node-b", -1, TTL);
    assertTrue(taken.won());
    assertEquals(epoch + 1, taken.epoch());
    assertFalse(leases.renew(SHARD, "node-a", epoch, TTL), "the old holder's renewal fails");
    assertFalse(leases.takeOrRenew(SHARD, "node-a", epoch, TTL).won());
  }

  @Test
  void theSameOwnerStartedAgainTakesItsLeaseBackAtOnceUnderTheNextEpoch() {
    LeaseTable leases = new LeaseTable(ds);
    long epoch = leases.takeOrRenew(SHARD, "node-a", -1, TTL).epoch();

    LeaseTable.Standing back = leases.takeOrRenew(SHARD, "node-a", -1, TTL); // its earlier run is gone
    assertTrue(back.won());
    assertEquals(epoch + 1, back.epoch());
    assertFalse(leases.renew(SHARD, "node-a", epoch, TTL), "the earlier run's epoch is over");
    assertFalse(leases.takeOrRenew(SHARD, "node-b", -1, TTL).won(), "another owner still waits for its term");
  }

  @Test
  void aReleasedLeaseIsFreeAtOnceAndAStaleReleaseLetsNothingGo() {
    LeaseTable leases = new LeaseTable(ds);
    long epoch = leases.takeOrRenew(SHARD, "node-a", -1, TTL).epoch();
    leases.release(SHARD, "node-a", epoch - 1);
    assertFalse(leases.takeOrRenew(SHARD, "node-b", -1, TTL).won(), "a release under an old epoch does nothing");

    leases.release(SHARD, "node-a", epoch);
    assertNull(leases.read(SHARD).holder());
    LeaseTable.Standing taken = leases.takeOrRenew(SHARD, "node-b", -1, TTL);
    assertTrue(taken.won());
    assertEquals(epoch + 1, taken.epoch());
  }

  @Test
  void aRowWithoutAnEndWrittenByHandDoesNotBlockTheLeaseForever() {
    exec(ds, "INSERT INTO baton_lease (lease_name, lease_holder, lease_epoch) VALUES ('" + SHARD + "', 'someone', 41)");
    LeaseTable.Standing taken = new LeaseTable(ds).takeOrRenew(SHARD, "node-a", -1, TTL);
    assertTrue(taken.won());
    assertEquals(42, taken.epoch());
  }

  @Test
  void aNodeRenewsAllItsLeasesInOneStatementAndLearnsWhenOneWasTaken() {
    LeaseTable leases = new LeaseTable(ds);
    long seven = leases.takeOrRenew(SHARD, "node-a", -1, TTL).epoch();
    long eight = leases.takeOrRenew("baton-shard-chain-8", "node-a", -1, TTL).epoch();
    List<LeaseTable.Held> held = List.of(new LeaseTable.Held(SHARD, seven), new LeaseTable.Held("baton-shard-chain-8", eight));
    assertTrue(leases.renewAll("node-a", held, TTL));

    expire("baton-shard-chain-8");
    leases.takeOrRenew("baton-shard-chain-8", "node-b", -1, TTL);
    assertFalse(leases.renewAll("node-a", held, TTL), "one of them is node-b's now");
    assertTrue(leases.renew(SHARD, "node-a", seven, TTL));
    assertFalse(leases.renew("baton-shard-chain-8", "node-a", eight, TTL));
  }

  @Test
  void leasesOfDifferentNamesAreIndependent() {
    LeaseTable leases = new LeaseTable(ds);
    assertTrue(leases.takeOrRenew("baton-shard-chain-1", "node-a", -1, TTL).won());
    assertTrue(leases.takeOrRenew("baton-shard-chain-2", "node-b", -1, TTL).won());
    assertEquals("node-a", leases.read("baton-shard-chain-1").holder());
    assertEquals("node-b", leases.read("baton-shard-chain-2").holder());
  }

  @Test
  void ownersRacingForANewLeaseLeaveExactlyOneHolder() throws Exception {
    LeaseTable leases = new LeaseTable(ds);
    int owners = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<LeaseTable.Standing>> attempts = new ArrayList<>();
    for (int i = 0; i < owners; i++) {
      String owner = "node-" + i;
      attempts.add(CompletableFuture.supplyAsync(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return leases.takeOrRenew(SHARD, owner, -1, TTL);
      }));
    }
    start.countDown();
    List<LeaseTable.Standing> answers = new ArrayList<>();
    for (CompletableFuture<LeaseTable.Standing> attempt : attempts) {
      answers.add(attempt.get());
    }
    List<LeaseTable.Standing> winners = answers.stream().filter(LeaseTable.Standing::won).toList();
    assertEquals(1, winners.size(), "one winner among " + answers);
    assertEquals(winners.get(0).holder(), leases.read(SHARD).holder());
    assertEquals(1, leases.read(SHARD).epoch());
  }
}
