package io.zferry.sync.ssh;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One key line of a known_hosts file.
 *
 * @param lineNumber 1-based, for messages that tell an operator which line to fix
 * @param marker {@code @cert-authority}, {@code @revoked} or none
 * @param hostPatterns the host field as written (patterns, or one hashed name)
 * @param keyType the key type field, e.g. {@code ssh-ed25519}
 * @param keyBlob the decoded key (SSH wire encoding); the array is copied in and out
 */
public record KnownHostsEntry(
    int lineNumber, Marker marker, String hostPatterns, String keyType, byte[] keyBlob) {

  /** The optional first field of a line. */
  public enum Marker {
    NONE,
    /** The key signs host certificates; zferry does not use certificates and ignores the line. */
    CERT_AUTHORITY,
    /** The key must never be accepted, for any host. */
    REVOKED
  }

  public KnownHostsEntry {
    Objects.requireNonNull(marker, "marker");
    Objects.requireNonNull(hostPatterns, "hostPatterns");
    Objects.requireNonNull(keyType, "keyType");
    keyBlob = keyBlob.clone();
  }

  @Override
  public byte[] keyBlob() {
    return keyBlob.clone();
  }

  /** Whether this line is about {@code host} (a lower-cased name or {@code [address]:port}). */
  public boolean appliesTo(String host) {
    return HostPatterns.matches(hostPatterns, host);
  }

  /** Whether this line holds exactly the key with the given blob. */
  public boolean holds(byte[] blob) {
    return Arrays.equals(keyBlob, blob);
  }

  public String fingerprint() {
    return SshKeys.fingerprint(keyBlob);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KnownHostsEntry that
        && lineNumber == that.lineNumber
        && marker == that.marker
        && hostPatterns.equals(that.hostPatterns)
        && keyType.equals(that.keyType)
        && Arrays.equals(keyBlob, that.keyBlob);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lineNumber, marker, hostPatterns, keyType, Arrays.hashCode(keyBlob));
  }

  @Override
  public String toString() {
    return "KnownHostsEntry[line "
        + lineNumber
        + (marker == Marker.NONE ? "" : " " + marker)
        + " "
        + hostPatterns
        + " "
        + keyType
        + " "
        + Base64.getEncoder().encodeToString(keyBlob)
        + "]";
  }
}
