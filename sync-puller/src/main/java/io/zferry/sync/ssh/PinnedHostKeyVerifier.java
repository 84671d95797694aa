package io.zferry.sync.ssh;

import java.io.IOException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the key a peer offers against the known_hosts entries for its node name (HostKeyAlias
 * semantics) or its {@code [address]:port}. Never trusts on first use and never writes known_hosts.
 *
 * <p>sshj calls {@link #verify} on its transport thread during key exchange and only learns yes/no;
 * the full {@link HostKeyVerdict} is kept so that {@link SshHost} can turn a refusal into a {@link
 * HostKeyMismatchException} or {@link UnknownHostKeyException} that says what to fix. One instance
 * serves one connection attempt.
 */
public final class PinnedHostKeyVerifier implements HostKeyVerifier {
  private static final Logger log = LoggerFactory.getLogger(PinnedHostKeyVerifier.class);

  static {
    SshjSetup.ensureConfigured();
  }

  private final SshEndpoint endpoint;
  private final KnownHosts knownHosts;
  private volatile HostKeyVerdict lastVerdict;

  public PinnedHostKeyVerifier(SshEndpoint endpoint, KnownHosts knownHosts) {
    this.endpoint = endpoint;
    this.knownHosts = knownHosts;
    knownHosts.problems().forEach(problem -> log.warn("ignoring known_hosts line: {}", problem));
  }

  /**
   * Reads the endpoint's known_hosts file now, so an operator's fix applies to the next attempt.
   */
  public static PinnedHostKeyVerifier load(SshEndpoint endpoint) {
    try {
      return new PinnedHostKeyVerifier(endpoint, KnownHosts.read(endpoint.knownHosts()));
    } catch (IOException e) {
      throw new RemoteHostException(
          endpoint,
          "cannot read known_hosts file " + endpoint.knownHosts() + ": " + e.getMessage(),
          e);
    }
  }

  /** Key types pinned for this peer, in file order; empty if the peer is unknown. */
  public Set<String> pinnedKeyTypes() {
    Set<String> types = new LinkedHashSet<>();
    for (KnownHostsEntry entry : knownHosts.entriesFor(endpoint.knownHostsNames())) {
      types.add(entry.keyType());
    }
    return types;
  }

  /** Pure decision; no I/O. */
  public HostKeyVerdict check(PublicKey offered) {
    byte[] blob = SshKeys.blob(offered);
    String type = SshKeys.typeOf(blob).orElse("unknown");
    String fingerprint = SshKeys.fingerprint(blob);
    Optional<KnownHostsEntry> revoked = knownHosts.revocationOf(blob);
    if (revoked.isPresent()) {
      return new HostKeyVerdict.Revoked(revoked.get(), type, fingerprint);
    }
    List<KnownHostsEntry> pinned = knownHosts.entriesFor(endpoint.knownHostsNames());
    for (KnownHostsEntry entry : pinned) {
      if (entry.holds(blob)) {
        return new HostKeyVerdict.Trusted(entry, type, fingerprint);
      }
    }
    if (!pinned.isEmpty()) {
      return new HostKeyVerdict.Changed(pinned, type, fingerprint);
    }
    String line = endpoint.nodeName() + " " + type + " " + Base64.getEncoder().encodeToString(blob);
    return new HostKeyVerdict.Unknown(type, fingerprint, line);
  }

  /** The verdict of the last {@link #verify} call, if sshj got that far. */
  public Optional<HostKeyVerdict> lastVerdict() {
    return Optional.ofNullable(lastVerdict);
  }

  /** The exception that explains a refusal; empty for a trusted key. */
  public Optional<RemoteHostException> refusal(HostKeyVerdict verdict) {
    return verdict.refusal(endpoint);
  }

  /** sshj's callback; {@code hostname} and {@code port} are the connect address, not the alias. */
  @Override
  public boolean verify(String hostname, int port, PublicKey key) {
    HostKeyVerdict verdict = check(key);
    lastVerdict = verdict;
    if (verdict instanceof HostKeyVerdict.Trusted trusted) {
      log.debug(
          "{}: host key {} matches {} line {}",
          endpoint.nodeName(),
          trusted.offeredFingerprint(),
          endpoint.knownHosts(),
          trusted.entry().lineNumber());
      return true;
    }
    return false;
  }

  /**
   * Empty on purpose: {@link SshjSetup#config} already narrows the offered host key algorithms to
   * the pinned types, and sshj 0.40 would use these names literally (promoting legacy ssh-rsa).
   */
  @Override
  public List<String> findExistingAlgorithms(String hostname, int port) {
    return List.of();
  }
}
