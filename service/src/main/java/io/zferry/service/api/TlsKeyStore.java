package io.zferry.service.api;

import io.zferry.service.config.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM certificate chain and private key of {@code api.tls} into an in-memory key store
 * for Jetty. The key must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA or EC.
 */
public final class TlsKeyStore {
  static final char[] PASSWORD = "zferry".toCharArray();
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private TlsKeyStore() {}

  /** TLS is on by default: a node set up before it says what to do, not a stack trace. */
  private static void requireExists(String key, Path file, String fix) {
    if (!Files.exists(file)) {
      throw new IllegalStateException(key + " " + file + " does not exist; " + fix);
    }
  }

  /**
   * @throws IllegalStateException naming the file and the fix if a file is missing or not PEM
   */
  public static KeyStore load(TlsConfig tls) {
    List<Certificate> chain = certificates(tls);
    if (chain.isEmpty()) {
      throw new IllegalStateException(
          "api.tls.certificate " + tls.certificate() + " holds no certificate; give a PEM file");
    }
    PrivateKey key = privateKey(tls);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("zferry", key, PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "the key in api.tls.privateKey "
              + tls.privateKey()
              + " does not go with the certificate "
              + tls.certificate()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Reads every file of {@code tls} as zferryd will: this node's key and certificate, and the
   * pinned peer certificate.
   *
   * @throws IllegalStateException naming the first file that is missing or wrong, and the fix
   */
  public static void check(TlsConfig tls) {
    load(tls);
    if (tls.peerCertificate().isPresent()) {
      pinnedTrust(tls);
    }
  }

  /**
   * What a client of a node's HTTPS API trusts: the JVM's certificate authorities and the
   * certificates of {@code api.tls.certificate} (so both nodes may share one certificate or one
   * private CA). Host names are verified as usual: the certificate must name the addresses the peer
   * and the CLI use (the node's address, and 127.0.0.1 for the CLI).
   */
  public static javax.net.ssl.SSLContext trust(TlsConfig tls) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      javax.net.ssl.TrustManagerFactory defaults =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      int n = 0;
      for (javax.net.ssl.TrustManager tm : defaults.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509TrustManager) {
          for (var ca : ((javax.net.ssl.X509TrustManager) tm).getAcceptedIssuers()) {
            store.setCertificateEntry("ca-" + n++, ca);
          }
        }
      }
      for (Certificate c : certificates(tls)) {
        store.setCertificateEntry("zferry-" + n++, c);
      }
      javax.net.ssl.TrustManagerFactory factory =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot build the trust store for api.tls.certificate "
              + tls.certificate()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The mutual TLS of the peer channel (api.tls.peerCertificate): this node's certificate and key,
   * and trust in exactly the pinned peer certificate. As a server the context asks clients for a
   * certificate without requiring one (a browser or the CLI has none); the peer's token is accepted
   * only with the pinned certificate (see {@link #presentedPinned}).
   *
   * @throws IllegalStateException naming the file and the fix if a file is missing or not PEM
   */
  public static javax.net.ssl.SSLContext peerContext(TlsConfig tls) {
    return mutualContext(tls, pinnedTrust(tls));
  }

  /** This node's certificate and key, trusting exactly what {@code trust} pins. */
  static javax.net.ssl.SSLContext mutualContext(TlsConfig tls, PinnedCertificateTrust trust) {
    try {
      javax.net.ssl.KeyManagerFactory keys =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(tls), PASSWORD);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), new javax.net.ssl.TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up mutual TLS: " + e.getMessage(), e);
    }
  }

  /** Trust in exactly this node's own certificate (api.tls.certificate's leaf). */
  static PinnedCertificateTrust ownTrust(TlsConfig tls) {
    return new PinnedCertificateTrust((X509Certificate) certificates(tls).get(0));
  }

  /** Trust in exactly the certificates of api.tls.peerCertificate. */
  public static PinnedCertificateTrust pinnedTrust(TlsConfig tls) {
    Path file =
        tls.peerCertificate()
            .orElseThrow(() -> new IllegalStateException("api.tls.peerCertificate is not set"));
    requireExists("api.tls.peerCertificate", file, TlsConfig.COPY_PEER_FILE);
    List<Certificate> certificates;
    try (var in = Files.newInputStream(file)) {
      certificates = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "api.tls.peerCertificate "
              + file
              + " cannot be read as a PEM certificate ("
              + e.getMessage()
              + "); copy the other node's api.tls.certificate here",
          e);
    }
    if (certificates.isEmpty()
        || !certificates.stream().allMatch(c -> c instanceof X509Certificate)) {
      throw new IllegalStateException(
          "api.tls.peerCertificate "
              + file
              + " holds no certificate; copy the other node's api.tls.certificate here (of more"
              + " nodes, each other node's, one after the other)");
    }
    // Of more than two nodes, every other node's certificate, concatenated.
    return new PinnedCertificateTrust(certificates.stream().map(c -> (X509Certificate) c).toList());
  }

  /** The client certificate a request came with, as Jetty records it, if it is the pinned one. */
  public static boolean presentedPinned(
      jakarta.servlet.http.HttpServletRequest request, PinnedCertificateTrust trust) {
    Object attribute = request.getAttribute("jakarta.servlet.request.X509Certificate");
    return attribute instanceof X509Certificate[] chain
        && chain.length > 0
        && trust.isPinned(chain[0]);
  }

  /** The PEM chain of {@code api.tls.certificate}, leaf first. */
  private static List<Certificate> certificates(TlsConfig tls) {
    requireExists("api.tls.certificate", tls.certificate(), TlsConfig.MAKE_NODE_FILES);
    try (var in = Files.newInputStream(tls.certificate())) {
      return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "api.tls.certificate "
              + tls.certificate()
              + " cannot be read as a PEM certificate chain ("
              + e.getMessage()
              + "); give the path of the PEM certificate, leaf first",
          e);
    }
  }

  private static PrivateKey privateKey(TlsConfig tls) {
    requireExists("api.tls.privateKey", tls.privateKey(), TlsConfig.MAKE_NODE_FILES);
    String text;
    try {
      text = Files.readString(tls.privateKey(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(
          "api.tls.privateKey " + tls.privateKey() + " cannot be read: " + e, e);
    }
    Matcher m = KEY.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException(
          "api.tls.privateKey "
              + tls.privateKey()
              + " is not an unencrypted PKCS#8 PEM key; convert it with `openssl pkcs8 -topk8"
              + " -nocrypt -in KEY -out KEY.pk8`");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1).getBytes(StandardCharsets.US_ASCII));
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalStateException(
        "api.tls.privateKey " + tls.privateKey() + " is neither an RSA, EC nor Ed25519 key");
  }
}
