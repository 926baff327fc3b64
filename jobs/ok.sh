#!/bin/sh
# Demo job: always succeeds.
echo "ok: chain ${BATON_CHAIN_ID} run ${BATON_RUN_ID} step ${BATON_STEP}"
exit 0
