# Sourced by /usr/bin/zferry and /usr/sbin/zferryd: sets ZFERRY_JAVA to a Java 17 or newer, or
# exits. Looks at $JAVA_HOME, then the java on PATH (Debian's alternatives), then each JVM in
# /usr/lib/jvm, newest first, since the default java may be an older one.

zferry_java_major() {  # JAVA: prints its feature version (8 for 1.8, 17 for 17.0.2)
  # The JDK's release file first: starting a JVM only to ask its version doubles the start-up
  # time of every command (zferry serve runs once per command a peer sends).
  zferry_release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [ -r "$zferry_release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9][0-9.]*\).*/\1/p' "$zferry_release"
  else
    "$1" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9][0-9.]*\).*/\1/p'
  fi | awk -F. '{ print ($1 == 1 ? $2 : $1) }'
}

ZFERRY_JAVA=
for zferry_candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
  $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
  [ -n "$zferry_candidate" ] && [ -x "$zferry_candidate" ] || continue
  zferry_major=$(zferry_java_major "$zferry_candidate")
  if [ -n "$zferry_major" ] && [ "$zferry_major" -ge 17 ]; then
    ZFERRY_JAVA=$zferry_candidate
    break
  fi
done
if [ -z "$ZFERRY_JAVA" ]; then
  echo "zferry: no Java 17 or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm);" \
    "install one: apt-get install openjdk-17-jre-headless" >&2
  exit 1
fi
unset zferry_candidate zferry_major zferry_release
