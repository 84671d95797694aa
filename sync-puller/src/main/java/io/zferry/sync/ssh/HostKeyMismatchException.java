package io.zferry.sync.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The peer presented a host key other than the one pinned in known_hosts: either the peer was
 * reinstalled or re-keyed, or someone is in the middle. Nothing was sent to the peer. Distinct from
 * other connection failures because no retry can fix it; an operator must.
 */
public final class HostKeyMismatchException extends RemoteHostException {
  private static final long serialVersionUID = 1L;
  private final List<String> expectedFingerprints;
  private final String offeredFingerprint;
  private final Path knownHostsFile;
  private final List<Integer> knownHostsLines;

  HostKeyMismatchException(
      SshEndpoint endpoint, List<KnownHostsEntry> expected, String offeredType, String offered) {
    super(endpoint, describe(endpoint, expected, offeredType, offered));
    this.expectedFingerprints = expected.stream().map(KnownHostsEntry::fingerprint).toList();
    this.offeredFingerprint = offered;
    this.knownHostsFile = endpoint.knownHosts();
    this.knownHostsLines = expected.stream().map(KnownHostsEntry::lineNumber).toList();
  }

  private static String describe(
      SshEndpoint endpoint, List<KnownHostsEntry> expected, String offeredType, String offered) {
    String expectations =
        expected.stream()
            .map(e -> e.fingerprint() + " (" + e.keyType() + ", line " + e.lineNumber() + ")")
            .collect(Collectors.joining(", "));
    String lines =
        expected.stream()
            .map(e -> String.valueOf(e.lineNumber()))
            .collect(Collectors.joining(", "));
    return "HOST KEY CHANGED for "
        + endpoint.nodeName()
        + ": known_hosts expects "
        + expectations
        + " but the server offered "
        + offered
        + " ("
        + offeredType
        + "). Refusing to connect; this is either a reinstalled peer or a man-in-the-middle. If the"
        + " peer's key really changed, compare "
        + offered
        + " with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` run on "
        + endpoint.nodeName()
        + ", then replace line(s) "
        + lines
        + " of "
        + endpoint.knownHosts();
  }

  public List<String> expectedFingerprints() {
    return expectedFingerprints;
  }

  public String offeredFingerprint() {
    return offeredFingerprint;
  }

  public Path knownHostsFile() {
    return knownHostsFile;
  }

  public List<Integer> knownHostsLines() {
    return knownHostsLines;
  }
}
