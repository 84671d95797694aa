package io.zferry.service.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The certificates of the API's mutual TLS: the nodes speak HTTPS to each other, each trusting
 * exactly the other's certificate, and the local CLI trusts its own node's. On unless the
 * configuration says {@code api.tls: off}; its files default to where {@code zferry setup-tls}
 * makes them. Both files are PEM; they are read when the daemon starts, not when the configuration
 * is checked, so a configuration can be validated on a machine that does not hold them ({@code
 * zferry config check} on the node checks that they are there).
 *
 * @param certificate the certificate chain, leaf first
 * @param privateKey the certificate's unencrypted private key
 * @param peerCertificate the other node's certificate, pinned: with it the nodes speak mutual TLS,
 *     each trusting exactly the other's certificate, and the peer's token is accepted only with the
 *     peer's certificate; empty (a configuration built in code, never a loaded one) trusts the peer
 *     like any HTTPS client trusts a server
 */
public record TlsConfig(Path certificate, Path privateKey, Optional<Path> peerCertificate) {
  /** Where {@code zferry setup-tls} makes this node's certificate and expects the peer's. */
  public static final TlsConfig DEFAULTS =
      new TlsConfig(
          Path.of("/etc/zferry/tls/node.pem"),
          Path.of("/etc/zferry/tls/node.key"),
          Optional.of(Path.of("/etc/zferry/tls/peer.pem")));

  /** The fix for a missing certificate or key of this node, wherever it is found missing. */
  public static final String MAKE_NODE_FILES =
      "make this node's certificate and key with `zferry setup-tls NODE` (docs/install.md, \"TLS"
          + " between the nodes\"), or set api.tls: off to speak plain HTTP";

  /** The fix for a missing pinned peer certificate. */
  public static final String COPY_PEER_FILE =
      "copy the other node's certificate here (the one its zferry setup-tls made) and compare the"
          + " fingerprint it printed";

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
