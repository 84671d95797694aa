package io.zferry.service.tls;

import io.zferry.service.api.PinnedCertificateTrust;
import io.zferry.service.config.PrivateFiles;
import io.zferry.service.model.Names;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Makes a node's own TLS certificate: self-signed, EC P-256, naming the node and its addresses
 * (127.0.0.1 always, for the local CLI), written as the PEM pair api.tls reads (the key 0600). The
 * JDK's keytool does the cryptography, run as an argv with validated arguments; the other node pins
 * the certificate itself (api.tls.peerCertificate), so no certificate authority is involved.
 */
public final class NodeCertificate {
  /** Ten years: a pinned certificate is replaced on purpose, not by a calendar. */
  public static final Duration VALIDITY = Duration.ofDays(3650);

  private static final Pattern DNS =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
  private static final Duration KEYTOOL_TIMEOUT = Duration.ofMinutes(2);

  private NodeCertificate() {}

  /**
   * Writes a new certificate and key for {@code node}.
   *
   * @param addresses IP addresses the certificate names besides 127.0.0.1 (literals only)
   * @return the new certificate
   * @throws IllegalArgumentException for a name or address that is not one
   * @throws IOException if keytool fails or a file cannot be written
   */
  public static X509Certificate create(
      Path certificate, Path privateKey, String node, List<String> addresses) throws IOException {
    Names.require("node", node);
    List<String> san = new ArrayList<>();
    san.add("dns:" + node);
    List<String> ips = new ArrayList<>(List.of("127.0.0.1"));
    for (String address : addresses) {
      if (!ips.contains(address)) {
        ips.add(requireIpLiteral(address));
      }
    }
    ips.forEach(ip -> san.add("ip:" + ip));
    if (!DNS.matcher(node).matches()) {
      throw new IllegalArgumentException("'" + node + "' cannot be a certificate's DNS name");
    }
    Path work =
        Files.createTempDirectory(
            "zferry-tls",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path store = work.resolve("node.p12");
      char[] password = password();
      List<String> argv =
          List.of(
              keytool().toString(),
              "-genkeypair",
              "-alias",
              "zferry",
              "-keyalg",
              "EC",
              "-groupname",
              "secp256r1",
              "-sigalg",
              "SHA256withECDSA",
              "-dname",
              "CN=" + node + ", O=zferry",
              "-ext",
              "SAN=" + String.join(",", san),
              "-validity",
              Long.toString(VALIDITY.toDays()),
              "-storetype",
              "PKCS12",
              "-keystore",
              store.toString(),
              "-storepass:env",
              "ZFERRY_TLS_STORE",
              "-keypass:env",
              "ZFERRY_TLS_STORE");
      ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
      builder.environment().put("ZFERRY_TLS_STORE", new String(password));
      Process keytool = builder.start();
      keytool.getOutputStream().close();
      byte[] said = keytool.getInputStream().readAllBytes();
      if (!keytool.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        keytool.destroyForcibly();
        throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT);
      }
      if (keytool.exitValue() != 0) {
        throw new IOException(
            "keytool failed ("
                + keytool.exitValue()
                + "): "
                + new String(said, StandardCharsets.UTF_8).strip());
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, password);
      }
      X509Certificate cert = (X509Certificate) keys.getCertificate("zferry");
      PrivateKey key = (PrivateKey) keys.getKey("zferry", password);
      write(privateKey, pem("PRIVATE KEY", key.getEncoded()), "rw-------");
      write(certificate, pem("CERTIFICATE", cert.getEncoded()), "rw-r--r--");
      return cert;
    } catch (GeneralSecurityException e) {
      throw new IOException("keytool's key store cannot be read: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    } finally {
      try (var files = Files.list(work)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(work);
    }
  }

  /** {@code SHA256:AA:BB:...}, as {@code zferry setup-tls} prints it. */
  public static String fingerprint(X509Certificate certificate) {
    return "SHA256:" + PinnedCertificateTrust.fingerprint(certificate);
  }

  private static String requireIpLiteral(String address) {
    boolean literal =
        address != null
            && !address.isEmpty()
            && (address.chars().allMatch(c -> Character.isDigit(c) || c == '.')
                || address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':'));
    if (literal) {
      try {
        return InetAddress.getByName(address).getHostAddress();
      } catch (IOException e) {
        // not an address after all
      }
    }
    throw new IllegalArgumentException(
        "'" + address + "' is not an IP address; a certificate names the node's IP addresses");
  }

  private static Path keytool() {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      throw new IllegalStateException(
          keytool + " is missing: this Java runtime has no keytool to make a certificate with");
    }
    return keytool;
  }

  private static char[] password() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes).toCharArray();
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void write(Path target, String content, String mode) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    PrivateFiles.writeAtomically(target, content, PosixFilePermissions.fromString(mode));
  }
}
