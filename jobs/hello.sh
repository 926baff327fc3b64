#!/bin/sh
# Demo job, step 1 of "demo: succeeds every minute": shows what Baton tells a job about its run.
echo "hello from chain ${BATON_CHAIN_ID} run ${BATON_RUN_ID}, job ${BATON_JOB_ID}, step ${BATON_STEP}"
echo "scheduled for ${BATON_SCHEDULED_TIME}, attempt ${BATON_ATTEMPT}"
exit 0
