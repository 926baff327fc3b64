#!/bin/sh
# Demo job of "demo: fails": writes an error line on stderr and exits 3, so the run ends FAILED
# and schedulerMessage shows the exit code and the last lines of output.
echo "fail.sh: doing some work for run ${BATON_RUN_ID}"
echo "fail.sh: ERROR demo failure, exiting with code 3" >&2
exit 3
