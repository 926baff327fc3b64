: baton-reaper
# Companion of a Baton node: kills the process groups the node started once the node is gone.
# stdin carries "+<pgid>" (a group was started), "-<pgid>" (it is fully gone) and "d<ms>": a
# deadline in wall-clock milliseconds, sent by a leader that has seen a standby, after which its
# lease may be another node's; if no newer deadline comes before it (the JVM is frozen), every
# group is killed ("d0": no deadline). End of input means the JVM closed the pipe or died, even by
# SIGKILL: every group still registered gets SIGKILL.
# Terminal signals meant for the node must not take this process down first, nor a log write to
# a standard error whose reader has gone.
trap '' INT HUP PIPE
groups=' '
deadline=0
kill_all() {
  for id in $groups; do
    kill -s KILL -- "-$id" 2>/dev/null
  done
}
handle() {
  id=${1#?}
  case $id in ''|*[!0-9]*) return ;; esac
  case $1 in d*) deadline=$id; return ;; esac
  case $id in 0*|1) return ;; esac # no group a node started ("kill -- -1" would reach every process)
  case $1 in
    +*) groups="$groups$id " ;;
    -*) case $groups in *" $id "*) groups="${groups%% $id *} ${groups#* $id }" ;; esac ;;
  esac
}
if [ -n "${BASH_VERSION:-}" ]; then
  # bash: wait for input at most a quarter second, so a deadline is noticed while the JVM is silent.
  # A read that times out in the middle of a line keeps what it read: it is the start of the next.
  part=''
  while :; do
    if IFS= read -r -t 0.25 line; then
      handle "$part$line"
      part=''
    elif [ $? -le 128 ]; then
      break # end of input
    else
      part="$part$line"
    fi
    if [ "$deadline" != 0 ]; then
      now=${EPOCHREALTIME/[.,]/}
      if [ "${now%???}" -gt "$deadline" ]; then
        kill_all
        printf 'baton-reaper: the node set no deadline past %(%F %T %Z)T (frozen?): killed its process groups:%s\n' \
          "${deadline%???}" "$groups" >&2
        deadline=0
      fi
    fi
  done
else
  while IFS= read -r line; do
    handle "$line"
  done
fi
kill_all
exit 0
