#!/bin/sh
# Demo dependency of "demo: waits for a dependency": not yet (exit 1) at the first check of a
# run, passed (exit 0) at the second. The run is recognised by BATON_RUN_ID through a marker file.
marker="${TMPDIR:-/tmp}/baton-demo-second-check-${BATON_RUN_ID:-unknown}"
if [ -e "$marker" ]; then
  rm -f "$marker"
  echo "second check for run ${BATON_RUN_ID}: passed"
  exit 0
fi
: > "$marker"
echo "first check for run ${BATON_RUN_ID}: not yet"
exit 1
