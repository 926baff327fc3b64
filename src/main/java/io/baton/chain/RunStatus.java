package io.baton.chain;

/** End status of a run, as written to chain_run.status and jobchain_lst_run.status. */
public enum RunStatus {
  SUCCESS,
  FAILED,
  TIMEOUT,
  DEP_TIMEOUT,
  DEP_ERROR,
  INTERRUPTED,
  CANCELLED
}
