package io.baton.chain;

/** Why a run started; stored in chain_run.trigger_type. */
public enum Trigger {
  SCHEDULE,
  MANUAL,
  MISFIRE
}
