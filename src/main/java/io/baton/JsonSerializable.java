package io.baton;

/**
 * Marker for everything Pekko stores or sends: chain events and snapshots. Bound to Jackson JSON
 * in the actor system's configuration, so the journal holds readable JSON.
 */
public interface JsonSerializable {}
