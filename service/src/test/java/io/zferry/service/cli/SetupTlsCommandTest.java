package io.zferry.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zferry setup-tls: the node's certificate where api.tls says, kept once made. */
class SetupTlsCommandTest {
  @TempDir Path dir;

  @Test
  void makesTheCertificateOnceAndSaysWhatToCopy() throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        """
        cluster:
          name: lab
        nodes:
          - name: node-a
            address: 10.99.0.11
          - name: node-b
            address: 10.99.0.12
        services:
          - name: tank
            pool: tank
            preferredNode: node-a
        api:
          tls:
            certificate: %1$s/node.pem
            privateKey: %1$s/node.key
            peerCertificate: %1$s/peer.pem
        """
            .formatted(dir));

    String[] made = run("setup-tls", "node-a", "--config", config.toString());
    assertThat(made[0]).isEqualTo("0");
    assertThat(made[1])
        .contains("Made " + dir.resolve("node.pem") + " for node-a (10.99.0.11, 127.0.0.1)")
        .contains("Copy this certificate to the other node as " + dir.resolve("peer.pem"))
        .containsPattern("Fingerprint: SHA256:[0-9A-F:]{95}");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("node.key"))))
        .isEqualTo("rw-------");
    String fingerprint =
        made[1].lines().filter(l -> l.startsWith("Fingerprint")).findFirst().orElseThrow();
    byte[] certificate = Files.readAllBytes(dir.resolve("node.pem"));

    String[] again = run("setup-tls", "node-a", "--config", config.toString());
    assertThat(again[0]).isEqualTo("0");
    assertThat(again[1]).contains("exists; kept").contains(fingerprint);
    assertThat(Files.readAllBytes(dir.resolve("node.pem"))).isEqualTo(certificate);

    String[] unknown = run("setup-tls", "node-c", "--config", config.toString());
    assertThat(unknown[0]).isEqualTo("2");
    assertThat(unknown[2]).contains("node-c");
  }

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ZferryCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }
}
