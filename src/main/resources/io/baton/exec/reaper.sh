: baton-reaper
# Companion of a Baton node: kills the process groups the node started once the node is gone.
# stdin carries "+<pgid>" (a group was started) and "-<pgid>" (it is fully gone). End of input
# means the JVM closed the pipe or died, even by SIGKILL: every group still registered gets SIGKILL.
# Terminal signals meant for the node must not take this process down first.
trap '' INT HUP
groups=' '
while IFS= read -r line; do
  id=${line#?}
  case $id in ''|*[!0-9]*) continue ;; esac
  case $line in
    +*) groups="$groups$id " ;;
    -*) case $groups in *" $id "*) groups="${groups%% $id *} ${groups#* $id }" ;; esac ;;
  esac
done
for id in $groups; do
  kill -s KILL -- "-$id" 2>/dev/null
done
exit 0
