package io.baton.node;

import io.baton.chain.ChainGauges;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's sleeping chains: a chain of a shard kept here whose actor is not running is an entry
 * here, with the instant it must be woken ({@link #WAKE_AHEAD} before its next fire), or none if it
 * has no fire to wait for (switched OFF, held, of the other site). The guardian looks every second
 * for chains due and wakes them; a chain's actor takes its entry out as it starts and puts one back
 * when it goes to sleep. Shared by the guardian, the shards' keepers and the chains: every method
 * is synchronized.
 */
final class ChainWheel {

  /** A chain is woken this long before its fire: time to read its journal and arm its own timer. */
  static final Duration WAKE_AHEAD = Duration.ofSeconds(10);

  /**
   * Why a chain sleeps: {@code wakeAt} null for no fire to wake it for; {@code firesFrom} not null
   * when fires before it are not owed (it was switched ON, or rescheduled, while it slept).
   */
  record Entry(int shard, Instant wakeAt, Instant firesFrom) {}

  private final ChainGauges gauges;
  private final Map<Long, Entry> asleep = new HashMap<>();
  private final TreeMap<Instant, Set<Long>> byWake = new TreeMap<>();
  private final Set<Long> running = new HashSet<>(); // chains whose actors run here
  private final Map<Integer, Integer> kept = new HashMap<>(); // shard -> generation of its keeper here
  private final Map<Integer, Instant> keptSince = new HashMap<>(); // shard -> when its keeper started here
  private int generations;

  ChainWheel(ChainGauges gauges) {
    this.gauges = gauges;
  }

  /** The shard's keeper started here at {@code since}: its chains may sleep here. Returns the keeper's generation. */
  synchronized int keep(int shard, Instant since) {
    kept.put(shard, ++generations);
    keptSince.put(shard, since);
    return generations;
  }

  /** Since when the shard has been kept here, or null if it is not. */
  synchronized Instant keptSince(int shard) {
    return keptSince.get(shard);
  }

  synchronized boolean keeps(int shard) {
    return kept.containsKey(shard);
  }

  /** Whether the shard's keeper of this generation still keeps it here. */
  synchronized boolean keeps(int shard, int generation) {
    return kept.getOrDefault(shard, -1) == generation;
  }

  /** The shard leaves this node: its sleeping chains are the next node's. */
  synchronized void drop(int shard, int generation) {
    if (kept.getOrDefault(shard, -1) != generation) {
      return;
    }
    kept.remove(shard);
    keptSince.remove(shard);
    asleep.entrySet().removeIf(e -> {
      if (e.getValue().shard() == shard) {
        unlink(e.getKey(), e.getValue());
        gauges.armed(e.getKey(), false);
        return true;
      }
      return false;
    });
  }

  /**
   * A chain that has not started since its shard came here, or whose schedule changed while it
   * slept. Ignored for a chain whose actor runs, and for a shard not kept here (or a keeper that no
   * longer keeps it: {@code generation}, or -1 for any).
   */
  synchronized void sleep(long chainId, Entry entry, int generation) {
    if (running.contains(chainId) || !keeps(entry.shard()) || generation >= 0 && !keeps(entry.shard(), generation)) {
      return;
    }
    put(chainId, entry);
  }

  /**
   * The chain's actor goes to sleep: it is woken at {@code wakeAt} (null: only by a change or
   * command), and owes no fire before {@code firesFrom}.
   */
  synchronized void sleep(long chainId, int shard, Instant wakeAt, Instant firesFrom) {
    running.remove(chainId);
    if (keeps(shard)) { // else its shard is leaving: the next node's keeper wakes it in time
      put(chainId, new Entry(shard, wakeAt, firesFrom));
    }
  }

  private void put(long chainId, Entry entry) {
    remove(chainId);
    asleep.put(chainId, entry);
    if (entry.wakeAt() != null) {
      byWake.computeIfAbsent(entry.wakeAt(), at -> new HashSet<>()).add(chainId);
    }
    gauges.armed(chainId, entry.wakeAt() != null);
  }

  /** The chain's actor starts: its entry goes. Returns it, or null if it had none. */
  synchronized Entry awake(long chainId) {
    running.add(chainId);
    return remove(chainId);
  }

  /** The chain's actor stopped (asleep, handed over, deleted or failed). */
  synchronized void stopped(long chainId) {
    running.remove(chainId);
  }

  synchronized boolean isAsleep(long chainId) {
    return asleep.containsKey(chainId);
  }

  /** The chain was deleted. */
  synchronized void forget(long chainId) {
    running.remove(chainId);
    if (remove(chainId) != null) {
      gauges.armed(chainId, false);
    }
  }

  /**
   * The sleeping chains whose wake instant has come. They keep their entries until their actors
   * start, so a wake that did not reach one is sent again at the next look.
   */
  synchronized List<Long> due(Instant now) {
    List<Long> due = new ArrayList<>();
    for (Set<Long> ids : byWake.headMap(now, true).values()) {
      due.addAll(ids);
    }
    return due;
  }

  private Entry remove(long chainId) {
    Entry entry = asleep.remove(chainId);
    if (entry != null) {
      unlink(chainId, entry);
    }
    return entry;
  }

  private void unlink(long chainId, Entry entry) {
    if (entry.wakeAt() != null) {
      Set<Long> ids = byWake.get(entry.wakeAt());
      if (ids != null && ids.remove(chainId) && ids.isEmpty()) {
        byWake.remove(entry.wakeAt());
      }
    }
  }
}
