package io.baton;

/**
 * Marker for everything Pekko stores or sends: chain events and snapshots. Bound to Jackson JSON
 * in the actor system's configuration (baton-pekko.conf), so the journal holds readable JSON;
 * chain events and snapshots have bindings of their own there, which store them under stable names
 * instead of their class names.
 */
public interface JsonSerializable {}
