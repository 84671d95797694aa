package io.zferry.sync.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;
import net.schmizz.sshj.common.Buffer;

/**
 * Public keys in the SSH wire encoding ("key blob", RFC 4253 §6.6), which is what known_hosts
 * stores in base64 and what OpenSSH fingerprints. Comparing blobs, not decoded key objects, avoids
 * depending on which JCE provider decoded a key.
 */
public final class SshKeys {
  static {
    SshjSetup.ensureConfigured();
  }

  private SshKeys() {}

  /** The SSH wire encoding of a public key. */
  public static byte[] blob(PublicKey key) {
    return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
  }

  /** The key type named at the start of a blob (e.g. {@code ssh-ed25519}), if well formed. */
  public static Optional<String> typeOf(byte[] blob) {
    if (blob.length < 4) {
      return Optional.empty();
    }
    int length = ByteBuffer.wrap(blob, 0, 4).getInt();
    if (length <= 0 || length > 64 || length > blob.length - 4) {
      return Optional.empty();
    }
    return Optional.of(new String(blob, 4, length, StandardCharsets.US_ASCII));
  }

  /** OpenSSH's fingerprint: {@code SHA256:} and the unpadded base64 of the blob's SHA-256. */
  public static String fingerprint(byte[] blob) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static String fingerprint(PublicKey key) {
    return fingerprint(blob(key));
  }

  /** A known_hosts line for {@code hostPattern}, e.g. {@code node-a ssh-ed25519 AAAA…}. */
  public static String knownHostsLine(String hostPattern, PublicKey key) {
    byte[] blob = blob(key);
    String type = typeOf(blob).orElseThrow(() -> new IllegalArgumentException("bad key blob"));
    return hostPattern + " " + type + " " + Base64.getEncoder().encodeToString(blob);
  }
}
