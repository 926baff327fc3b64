package io.baton.node;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** Figures the heartbeat publishes; written by chain actors, read by the Heartbeat actor. */
public final class NodeGauges implements io.baton.chain.ChainGauges {
  private final Set<Long> armedChains = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Instant> lastJobOutcome = new AtomicReference<>();

  @Override
  public void armed(long chainId, boolean armed) {
    if (armed) {
      armedChains.add(chainId);
    } else {
      armedChains.remove(chainId);
    }
  }

  /** No chain is armed any more (this node stopped leading). */
  public void clear() {
    armedChains.clear();
  }

  public int armedChains() {
    return armedChains.size();
  }

  @Override
  public void jobOutcome(Instant at) {
    lastJobOutcome.set(at);
  }

  public Instant lastJobOutcome() {
    return lastJobOutcome.get();
  }
}
