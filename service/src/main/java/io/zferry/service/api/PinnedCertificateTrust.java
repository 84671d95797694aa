package io.zferry.service.api;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the other nodes' certificates (api.tls.peerCertificate: one, or under Pacemaker
 * one per other node, concatenated), in both directions: as the server a node's client must be, and
 * as the client the node it calls must be. Like a pinned SSH host key, the pin replaces certificate
 * authorities and host names: whoever answers on the peer's address without the peer's private key
 * fails the handshake, so a forged heartbeat or a forged internal call never reaches zferry's code.
 */
public final class PinnedCertificateTrust extends X509ExtendedTrustManager {
  private final java.util.Set<String> pinnedFingerprints;

  public PinnedCertificateTrust(X509Certificate pinned) {
    this(java.util.List.of(pinned));
  }

  public PinnedCertificateTrust(java.util.List<X509Certificate> pinned) {
    if (pinned.isEmpty()) {
      throw new IllegalArgumentException("no certificate to pin");
    }
    this.pinnedFingerprints =
        pinned.stream()
            .map(PinnedCertificateTrust::fingerprint)
            .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** SHA-256 of the DER certificate, as {@code openssl x509 -fingerprint -sha256} prints it. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
    }
  }

  /** Whether {@code certificate} is the pinned one. */
  public boolean isPinned(X509Certificate certificate) {
    return pinnedFingerprints.contains(fingerprint(certificate));
  }

  private void check(X509Certificate[] chain, String who) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException(who + " presented no certificate");
    }
    String presented = fingerprint(chain[0]);
    if (!pinnedFingerprints.contains(presented)) {
      throw new CertificateException(
          who
              + " presented the certificate SHA256:"
              + presented
              + ", not "
              + (pinnedFingerprints.size() == 1 ? "the pinned peer certificate" : "a pinned one")
              + " SHA256:"
              + String.join(", SHA256:", pinnedFingerprints)
              + " (api.tls.peerCertificate)");
    }
    chain[0].checkValidity();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "the client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "the server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "the client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "the server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "the client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "the server");
  }

  /**
   * None named: the request for a client certificate lists no authority, so the peer sends its own
   * self-signed certificate (a key manager offers only certificates issued by a listed authority
   * when there is a list); the pin decides, not an issuer.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
