package io.baton.chain;

/** Why a run started; stored in chain_run.trigger_type. */
public enum Trigger {
  SCHEDULE,
  MANUAL,
  MISFIRE,
  /** A new run of an ended run that did not succeed, from its failed step (chain_run.rerun_of). */
  RERUN
}
