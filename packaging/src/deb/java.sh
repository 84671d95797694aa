# Sourced by /usr/bin/zferry and /usr/sbin/zferryd: sets ZFERRY_JAVA to a Java 17 or newer, or
# exits. Looks at $JAVA_HOME, then the java on PATH (Debian's alternatives), then each JVM in
# /usr/lib/jvm, newest first, since the default java may be an older one.
#
# Every process started here is paid again by each command a peer sends (sshd starts zferry serve
# for each), so the common case reads with the shell's own builtins and starts one program
# (readlink).

zferry_java_major() {  # JAVA: sets zferry_major to its feature version (8 for 1.8, 17 for 17.0.2)
  # The JDK's release file first: starting a JVM only to ask its version doubles the start-up
  # time of every command.
  zferry_java_path=$(readlink -f "$1")
  zferry_release="${zferry_java_path%/*/*}/release"
  zferry_version=
  if [ -r "$zferry_release" ]; then
    while IFS= read -r zferry_line || [ -n "$zferry_line" ]; do
      case $zferry_line in
        JAVA_VERSION=\"[0-9]*)
          zferry_version=${zferry_line#JAVA_VERSION=\"}
          break
          ;;
      esac
    done < "$zferry_release"
  else
    zferry_version=$("$1" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9][0-9.]*\).*/\1/p')
  fi
  case $zferry_version in
    1.[0-9]*) zferry_version=${zferry_version#1.} ;;
  esac
  zferry_major=${zferry_version%%[!0-9]*}
}

zferry_java_usable() {  # JAVA: whether it is a Java 17 or newer; sets ZFERRY_JAVA to it if so
  [ -n "$1" ] && [ -x "$1" ] || return 1
  zferry_java_major "$1"
  if [ -n "$zferry_major" ] && [ "$zferry_major" -ge 17 ]; then
    ZFERRY_JAVA=$1
    return 0
  fi
  return 1
}

ZFERRY_JAVA=
if ! zferry_java_usable "${JAVA_HOME:+$JAVA_HOME/bin/java}" &&
  ! zferry_java_usable "$(command -v java || true)"; then
  for zferry_candidate in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    zferry_java_usable "$zferry_candidate" && break
  done
fi
if [ -z "$ZFERRY_JAVA" ]; then
  echo "zferry: no Java 17 or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm);" \
    "install one: apt-get install openjdk-17-jre-headless" >&2
  exit 1
fi
unset zferry_candidate zferry_major zferry_release zferry_java_path zferry_version zferry_line
