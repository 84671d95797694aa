package io.zferry.sync.ssh;

import java.nio.file.Files;

/**
 * known_hosts holds no key for the peer, so its identity cannot be checked and nothing is sent.
 * zferry never trusts on first use: the message shows the offered key's fingerprint and the exact
 * line to add once an operator has confirmed the fingerprint on the peer.
 */
public final class UnknownHostKeyException extends RemoteHostException {
  private static final long serialVersionUID = 1L;
  private final String offeredFingerprint;
  private final String suggestedLine;

  UnknownHostKeyException(
      SshEndpoint endpoint, String offeredType, String offeredFingerprint, String suggestedLine) {
    super(endpoint, describe(endpoint, offeredType, offeredFingerprint, suggestedLine));
    this.offeredFingerprint = offeredFingerprint;
    this.suggestedLine = suggestedLine;
  }

  private static String describe(
      SshEndpoint endpoint, String offeredType, String fingerprint, String suggestedLine) {
    String file =
        endpoint.knownHosts() + (Files.exists(endpoint.knownHosts()) ? "" : " (file missing)");
    return "host key of "
        + endpoint.nodeName()
        + " is unknown: "
        + file
        + " has no entry for "
        + String.join(" or ", endpoint.knownHostsNames())
        + ". The server offered "
        + offeredType
        + " key "
        + fingerprint
        + ". To pin it, confirm the fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on "
        + endpoint.nodeName()
        + " and append this line to "
        + endpoint.knownHosts()
        + ": "
        + suggestedLine;
  }

  public String offeredFingerprint() {
    return offeredFingerprint;
  }

  /** A known_hosts line pinning the offered key under the node name. */
  public String suggestedLine() {
    return suggestedLine;
  }
}
