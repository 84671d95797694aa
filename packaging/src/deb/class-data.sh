# Sourced by /usr/sbin/zferryd (and by bin/zferryd of a source checkout): the class-data archive of
# the daemon. The classes zferryd loads at start-up, parsed and verified once, are mapped by every
# later start (bench/startup: ready in 2.3 s against 2.9 s without).
#
# A daemon started without an archive has the JVM write one, under its own PID, when it stops. The
# next start adopts it if that JVM is gone (it wrote all of it), had served (its .ready marker: a
# start that failed early archives a fraction of the classes) and a JVM accepts it (-Xshare:on): a
# damaged archive makes the JVM abort at start, even with -Xshare:auto. For the same reason a start
# with the archive that never got as far as serving (a start marker without an .up marker, its JVM
# gone) drops it; the next clean stop writes a new one. An archive fits one JVM build, one set of
# jars and one set of options: its name carries a checksum of what the caller names, and others
# are removed. Commands other than the daemon (--check-config, --version) neither use nor write
# one, nor does a daemon started with ZFERRY_CDS=off in its environment.

# zferry_class_data DIR KEY JAVA CLASSPATH "JVM-OPTIONS" DAEMON-ARG...: sets zferry_cds_mode to
# use (map zferry_cds_archive), write (have the JVM write it) or none, and zferry_cds_marker to the
# file the daemon creates once it serves (-Dzferry.cdsReadyMarker). Run right before exec: $$ is
# the JVM's PID then.
zferry_class_data() {
  zferry_cds_mode=none
  zferry_cds_dir=$1
  zferry_cds_key=$2
  zferry_cds_java=$3
  zferry_cds_cp=$4
  zferry_cds_opts=$5
  shift 5
  [ "${ZFERRY_CDS:-on}" = off ] && return 0
  for zferry_cds_arg in "$@"; do
    case $zferry_cds_arg in
      --check-config | --help | -h | --version | -V) return 0 ;;
    esac
  done
  [ -d "$zferry_cds_dir" ] && [ -w "$zferry_cds_dir" ] || return 0
  zferry_cds_sum=$(printf '%s\n' "$zferry_cds_key" | cksum)
  zferry_cds_archive="$zferry_cds_dir/zferryd-${zferry_cds_sum%% *}.jsa"
  for zferry_cds_start in "$zferry_cds_archive".start.*; do
    [ -e "$zferry_cds_start" ] || continue
    zferry_cds_pid=${zferry_cds_start##*.}
    kill -0 "$zferry_cds_pid" 2>/dev/null && continue
    [ -e "$zferry_cds_archive.up.$zferry_cds_pid" ] || rm -f "$zferry_cds_archive"
    rm -f "$zferry_cds_start" "$zferry_cds_archive.up.$zferry_cds_pid"
  done
  if [ ! -s "$zferry_cds_archive" ]; then
    for zferry_cds_written in "$zferry_cds_archive".[0-9]*; do
      case $zferry_cds_written in *.ready) continue ;; esac
      kill -0 "${zferry_cds_written##*.}" 2>/dev/null && continue
      # shellcheck disable=SC2086 # the options are several words
      if [ -s "$zferry_cds_written" ] && [ -e "$zferry_cds_written.ready" ] &&
        "$zferry_cds_java" $zferry_cds_opts -Xshare:on -XX:SharedArchiveFile="$zferry_cds_written" \
          -cp "$zferry_cds_cp" -version >/dev/null 2>&1; then
        # Two daemons starting at once (a lab's nodes share one checkout) may both adopt it: the
        # second finds it gone, which must not end its start (callers run under set -e).
        mv -f "$zferry_cds_written" "$zferry_cds_archive" 2>/dev/null || true
      fi
      rm -f "$zferry_cds_written" "$zferry_cds_written.ready"
    done
  fi
  for zferry_cds_other in "$zferry_cds_dir"/zferryd-*.jsa*; do
    case $zferry_cds_other in
      "$zferry_cds_archive" | "$zferry_cds_archive".*) ;;
      *) rm -f "$zferry_cds_other" ;;
    esac
  done
  if [ -s "$zferry_cds_archive" ]; then
    : >"$zferry_cds_archive.start.$$"
    zferry_cds_mode=use
    zferry_cds_marker="$zferry_cds_archive.up.$$"
  else
    zferry_cds_mode=write
    zferry_cds_marker="$zferry_cds_archive.$$.ready"
  fi
}
