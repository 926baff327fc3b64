package io.baton.chain;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs chain_run shows as begun and not ended, read when this node was elected: a run is
 * recorded there as it begins, so a run journaled ahead of its fire that is not among them never
 * began on the node that journaled it (that node died or was paused before the instant).
 */
public final class BegunRuns {
  private final Set<Long> runIds = ConcurrentHashMap.newKeySet();

  public void replace(Set<Long> begun) {
    runIds.clear();
    runIds.addAll(begun);
  }

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
