package io.zferry.sync.ssh;

import java.util.List;
import java.util.Optional;

/**
 * What known_hosts says about the key a peer offered; values carry their evidence. Each kind knows
 * the refusal it stands for (Java 17 has no pattern switch, so this is the exhaustive dispatch).
 */
public sealed interface HostKeyVerdict {
  /** The offered key's type, e.g. {@code ssh-ed25519}. */
  String offeredType();

  /** The offered key's OpenSSH SHA256 fingerprint. */
  String offeredFingerprint();

  /** The exception that explains a refusal to {@code endpoint}'s operator; empty if trusted. */
  Optional<RemoteHostException> refusal(SshEndpoint endpoint);

  /** The key is pinned for the peer on {@code entry}'s line. */
  record Trusted(KnownHostsEntry entry, String offeredType, String offeredFingerprint)
      implements HostKeyVerdict {
    @Override
    public Optional<RemoteHostException> refusal(SshEndpoint endpoint) {
      return Optional.empty();
    }
  }

  /** Nothing is pinned for the peer; {@code suggestedLine} would pin the offered key. */
  record Unknown(String offeredType, String offeredFingerprint, String suggestedLine)
      implements HostKeyVerdict {
    @Override
    public Optional<RemoteHostException> refusal(SshEndpoint endpoint) {
      return Optional.of(
          new UnknownHostKeyException(endpoint, offeredType, offeredFingerprint, suggestedLine));
    }
  }

  /** Keys are pinned for the peer but none is the offered one. */
  record Changed(List<KnownHostsEntry> expected, String offeredType, String offeredFingerprint)
      implements HostKeyVerdict {
    public Changed {
      expected = List.copyOf(expected);
    }

    @Override
    public Optional<RemoteHostException> refusal(SshEndpoint endpoint) {
      return Optional.of(
          new HostKeyMismatchException(endpoint, expected, offeredType, offeredFingerprint));
    }
  }

  /** The offered key is listed as {@code @revoked}. */
  record Revoked(KnownHostsEntry entry, String offeredType, String offeredFingerprint)
      implements HostKeyVerdict {
    @Override
    public Optional<RemoteHostException> refusal(SshEndpoint endpoint) {
      return Optional.of(
          new RemoteHostException(
              endpoint,
              "host key "
                  + offeredFingerprint
                  + " offered by "
                  + endpoint.nodeName()
                  + " is marked @revoked on line "
                  + entry.lineNumber()
                  + " of "
                  + endpoint.knownHosts()
                  + "; refusing to connect. Re-key the peer and pin its new key."));
    }
  }
}
