# Helpers shared by the lab benchmarks (sourced by bench/rpo, bench/idle-pull-10k,
# bench/daemon-idle, bench/failover, bench/soak, bench/replication-throughput; not run on its own).
# The sourcing script sets `root` (the checkout) first.
#
# The lab is shared by everyone on this machine: a benchmark holds /var/tmp/zferry-lab.lock for its
# whole run (take_lab_lock), starts only from a lab that is down, and leaves it down (trap).
# shellcheck shell=bash disable=SC2154  # root: set by the sourcing script

lab="$root/test-fixtures/bin/lab"
zferry="$root/bin/zferry"
out_dir="$root/bench/results"
lab_dir=${ZFERRY_LAB_DIR:-/var/tmp/zferry-lab}
LAB_LOCK=/var/tmp/zferry-lab.lock
mkdir -p "$out_dir"

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }

# Takes the shared lab lock on file descriptor 9 and keeps it until the script exits.
# A caller that took it already (`flock /var/tmp/zferry-lab.lock bench/rpo`) passes its descriptor
# on: that one is reused (moved to 9), since a second open of the file would wait on the caller's
# own lock forever. Under `flock -o` nothing is passed on; then the lock counts as taken if its
# holder is one of our ancestors. Lab commands run with 9 closed (lab_cmd), so no daemon started
# by the lab inherits the lock and holds it after the benchmark ended.
take_lab_lock() {
  local fd inherited=""
  for fd in "/proc/$$/fd"/*; do
    [ "$(readlink "$fd" 2>/dev/null)" = "$LAB_LOCK" ] && inherited=${fd##*/}
  done
  if [ -n "$inherited" ]; then
    [ "$inherited" = 9 ] || eval "exec 9>&$inherited $inherited>&-"
  else
    exec 9>>"$LAB_LOCK"
  fi
  if flock -n 9; then
    return 0
  fi
  if lock_held_by_ancestor; then
    log "the lab lock is held by a parent process; running under it"
    return 0
  fi
  log "waiting for the lab lock $LAB_LOCK (another run is using the lab)"
  flock 9
  log "got the lab lock"
}

lock_held_by_ancestor() {
  local inode holders pid
  inode=$(stat -c %i "$LAB_LOCK")
  holders=" $(awk -v ino="$inode" '$2 == "FLOCK" { n = split($6, f, ":"); if (f[n] == ino) print $5 }' \
    /proc/locks | tr '\n' ' ') "
  pid=$PPID
  while [ "${pid:-0}" -gt 1 ]; do
    case $holders in *" $pid "*) return 0 ;; esac
    pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  done
  return 1
}

# Runs a lab-touching command without the lock descriptor.
lab_cmd() { "$@" 9>&-; }
in_node() { local node=$1; shift; lab_cmd "$lab" exec "$node" -- "$@"; }
demo() { lab_cmd "$zferry" demo "$@"; }

# Refuses to start on a lab someone else left up: its state would skew the figures, and tearing it
# down is for whoever started it.
require_lab_down() {
  local rc=0
  lab_cmd "$lab" status >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 3 ] ||
    die "the lab is not down (lab status exit $rc); it must be down before a benchmark. If it is a" \
      "leftover, remove it with: flock $LAB_LOCK $lab down"
}

# Builds the checkout the way the demo runs it (jars in target/, nothing installed into ~/.m2).
build() {
  log "building (mvn package)"
  (cd "$root" && mvn -B -q package -DskipTests -Dspotless.check.skip=true >&2)
}

cleanup_on_exit() {
  trap 'bench_cleanup' EXIT
  trap 'exit 130' INT TERM
}

# Processes a benchmark started in the background, ended on exit by their pid.
bench_pids=()
bench_cleanup() {
  local rc=$? pid
  trap - EXIT
  set +e
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "${BENCH_KEEP_LAB:-0}" = 1 ]; then
    log "leaving the lab up (BENCH_KEEP_LAB=1); remove it with: flock $LAB_LOCK $zferry demo down"
  else
    log "taking the demo and the lab down"
    demo down >/dev/null 2>&1 || demo down >&2 || log "demo down FAILED: check 'lab status'"
  fi
  exit "$rc"
}

# The host PID of NODE's zferryd: the java process in NODE's network namespace whose command line
# names this demo's config of NODE (the lab runs no PID namespace, so PIDs are the host's).
zferryd_pid() {
  local node=$1 pids
  # shellcheck disable=SC2016  # $$ is the shell inside the node
  pids=$(in_node "$node" sh -c 'pgrep --ns $$ --nslist net -f "$1"' sh \
    "io[.]zferry[.]service[.]Zferryd --config $lab_dir/demo/${node}[.]yaml" || true)
  [ "$(printf '%s\n' "$pids" | grep -c .)" = 1 ] ||
    die "expected one zferryd in $node, found: '${pids//$'\n'/ }'"
  printf '%s' "$pids"
}

# Status of service tank on NODE as `zferry status --json` prints it (the CLI prints the API's
# JSON unchanged); read straight from the API over its TLS, trusting the node's own certificate,
# to spare a CLI JVM start per sample. The API wants
# the CLI's token from the demo's tokens file; curl gets it on stdin, not on its command line.
node_status() {
  awk '$1 == "cli" { printf "Authorization: Bearer %s\n", $2 }' "$lab_dir/demo/api-tokens" |
    in_node "$1" curl -s --fail --max-time 5 --cacert "$lab_dir/demo/$1.pem" -H @- \
      https://127.0.0.1:8330/api/v1/status |
    jq -c '.services[] | select(.name == "tank")'
}

# Percentiles of numbers on stdin (nearest rank): prints "p50 p90 p99 max count".
percentiles() {
  sort -g | awk '{ a[NR] = $1 }
    function rank(p,  r) { r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; return a[r] }
    END { if (NR == 0) { print "- - - - 0"; exit } print rank(50), rank(90), rank(99), a[NR], NR }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

wait_for() {  # SECONDS WHAT COMMAND...: polls COMMAND every 0.5 s
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$(awk -v n="$(now)" -v t="$timeout" 'BEGIN { printf "%.0f", n + t }')
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${timeout}s waiting for $what"
    sleep 0.5
  done
}

# sha256 of every file under /tank of NODE, paths relative to /tank, sorted.
pool_sums() {
  # shellcheck disable=SC2016
  in_node "$1" sh -c 'cd /tank && find . -xdev -type f -print0 | sort -z | xargs -0 -r sha256sum'
}
