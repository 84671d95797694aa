package io.zferry.service.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The certificate the API and GUI serve HTTPS with. Both files are PEM; they are read when the
 * daemon starts, not when the configuration is checked, so a configuration can be validated on a
 * machine that does not hold them.
 *
 * @param certificate the certificate chain, leaf first
 * @param privateKey the certificate's unencrypted private key
 * @param peerCertificate the other node's certificate, pinned: with it the nodes speak mutual TLS,
 *     each trusting exactly the other's certificate, and the peer's token is accepted only with the
 *     peer's certificate
 */
public record TlsConfig(Path certificate, Path privateKey, Optional<Path> peerCertificate) {
  public TlsConfig {
    Checks.absolute("certificate", certificate);
    Checks.absolute("privateKey", privateKey);
    peerCertificate.ifPresent(p -> Checks.absolute("peerCertificate", p));
  }

  /** TLS for the API without a pinned peer: the peer is trusted like any HTTPS client's server. */
  public TlsConfig(Path certificate, Path privateKey) {
    this(certificate, privateKey, Optional.empty());
  }
}
