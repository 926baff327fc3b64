package io.baton.chain;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs that began on this node and have not ended: a chain started again here (its shard came
 * back) knows them without asking the host or the ledger whether they began.
 */
public final class BegunRuns {
  private final Set<Long> runIds = ConcurrentHashMap.newKeySet();

  /** A run of this node began (a chain actor started again later must not take it for unbegun). */
  void add(long runId) {
    runIds.add(runId);
  }

  /** A run ended: it is no longer asked about. */
  void remove(long runId) {
    runIds.remove(runId);
  }

  boolean contains(long runId) {
    return runIds.contains(runId);
  }
}
