package io.baton.chain;

import java.time.Instant;

/** What the chains tell the node's heartbeat: which chains wait for a fire, when a job last ended. */
public interface ChainGauges {
  void armed(long chainId, boolean armed);

  void jobOutcome(Instant at);
}
