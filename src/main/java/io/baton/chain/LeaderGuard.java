package io.baton.chain;

/**
 * Whether this node may act for its chains right now, and under which epoch: asked before every
 * fire, every process start and every record, so a node that lost its lease acts on nothing.
 */
public interface LeaderGuard {
  boolean leading();

  /** The leader epoch new runs and process starts are recorded under. */
  long epoch();
}
