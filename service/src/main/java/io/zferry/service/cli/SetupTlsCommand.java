package io.zferry.service.cli;

import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.TlsConfig;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.model.NodeName;
import io.zferry.service.tls.NodeCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zferry setup-tls NODE}: this node's certificate for the mutual TLS of the peer channel.
 */
@CommandLine.Command(
    name = "setup-tls",
    mixinStandardHelpOptions = true,
    description = {
      "Make NODE's TLS certificate for the API if it has none: self-signed (EC P-256, ten years),"
          + " naming NODE, its address from the configuration and 127.0.0.1, the private key"
          + " written with mode 0600. Print its fingerprint and what to copy: each node pins the"
          + " other's certificate (api.tls.peerCertificate), so the nodes speak mutual TLS and"
          + " trust nothing else on the peer channel.",
      "An existing certificate is kept (its fingerprint is printed) unless --force is given."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the certificate exists (made now or before)",
      "1:it could not be made or read",
      "2:wrong usage, or an invalid configuration"
    },
    footer = {
      "",
      "Examples:",
      "  zferry setup-tls node-a            (on node-a; then the same with node-b on node-b)",
      "On the other node, compare the copied certificate's fingerprint with:",
      "  openssl x509 -noout -fingerprint -sha256 -in /etc/zferry/tls/peer.pem"
    })
final class SetupTlsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NODE", description = "This node's name, as in the configuration.")
  String node;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:ZFERRY_CONFIG:-" + ApiOptions.DEFAULT_CONFIG + "}",
      description =
          "The zferry configuration: NODE's address, and api.tls's files (default:"
              + " $ZFERRY_CONFIG, else "
              + ApiOptions.DEFAULT_CONFIG
              + ").")
  Path config;

  @Option(
      names = "--address",
      paramLabel = "IP",
      description = "Another IP address the certificate names (repeatable).")
  List<String> addresses = new ArrayList<>();

  @Option(names = "--force", description = "Replace an existing certificate and key.")
  boolean force;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ZferryConfig loaded = load();
    NodeConfig self;
    try {
      self = loaded.node(NodeName.of(node));
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage(e.getMessage() + "; name a node of " + config);
    }
    TlsConfig tls = loaded.api().tls().orElse(TlsConfig.DEFAULTS);
    Path peer = tls.peerCertificate().orElse(TlsConfig.DEFAULTS.peerCertificate().orElseThrow());
    X509Certificate certificate;
    if (Files.exists(tls.certificate()) && !force) {
      certificate = read(tls.certificate());
      out.println(tls.certificate() + " exists; kept (--force makes a new one).");
    } else {
      List<String> names = new ArrayList<>(List.of(self.address()));
      names.addAll(addresses);
      try {
        certificate = NodeCertificate.create(tls.certificate(), tls.privateKey(), node, names);
      } catch (IllegalArgumentException e) {
        throw CliFailure.usage(e.getMessage());
      } catch (IOException e) {
        throw CliFailure.failed("cannot make the certificate: " + e.getMessage());
      }
      out.println(
          "Made "
              + tls.certificate()
              + " for "
              + node
              + " ("
              + String.join(", ", names)
              + ", 127.0.0.1), key "
              + tls.privateKey()
              + " (mode 0600).");
    }
    out.println("Fingerprint: " + NodeCertificate.fingerprint(certificate));
    out.println();
    out.println("Next, once each node has run setup-tls:");
    out.println(
        "  1. Copy this certificate to the other node as "
            + peer
            + " (scp -p "
            + tls.certificate()
            + " OTHER:"
            + peer
            + "), and the other node's here the same way.");
    out.println(
        "  2. On the other node, compare: openssl x509 -noout -fingerprint -sha256 -in " + peer);
    if (loaded.api().tls().isEmpty()) {
      out.println(
          "  3. In "
              + config
              + " on both nodes, remove 'tls: off' under api: (these are the files TLS uses"
              + " by default).");
      out.println("  4. Restart zferryd on both nodes.");
    } else {
      out.println("  3. Restart zferryd on both nodes.");
    }
    out.flush();
    return ZferryCli.OK;
  }

  private ZferryConfig load() {
    if (!Files.exists(config)) {
      throw CliFailure.usage("there is no configuration at " + config + "; pass --config FILE");
    }
    try {
      return ConfigLoader.load(config);
    } catch (ConfigException e) {
      throw CliFailure.usage(e.getMessage());
    }
  }

  private static X509Certificate read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException | ClassCastException e) {
      throw CliFailure.failed(
          file + " is not a PEM certificate (" + e.getMessage() + "); move it away or use --force");
    }
  }
}
