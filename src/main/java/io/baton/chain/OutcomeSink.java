package io.baton.chain;

import io.baton.db.RunRecord;

/** Where the chains' facts for chain_run, job_run and error_message go (the node's writer). */
public interface OutcomeSink {
  void write(RunRecord record);
}
