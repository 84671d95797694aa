package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real bin/zferryd launcher refuses a bad configuration, or an API tokens file it cannot trust,
 * before doing anything.
 */
class ZferrydConfigIT {
  private final Path repo =
      Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).getParent().getParent().getParent();

  @Test
  void badConfigIsRefusedWithTheKeyAndTheFix(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "nodes:",
            "  - name: node-a",
            "    address: 10.99.0.11",
            "  - name: node-b",
            "    address: 10.99.0.12",
            "defaults:",
            "  snapshotInterval: 1s",
            "  retentionCuont: 5",
            "services:",
            "  - name: tank",
            "    pool: 'tank;rm'",
            "    preferredNode: node-c",
            "state:",
            "  database: " + dir.resolve("state.db"),
            ""));

    CommandResult result =
        new LocalHost("here")
            .run(
                Command.of(
                    repo.resolve("bin/zferryd").toString(),
                    "--config",
                    config.toString(),
                    "--node",
                    "node-a"),
                Duration.ofSeconds(60));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("defaults.snapshotInterval")
        .contains("retentionCuont")
        .contains("retentionCount")
        .contains("services[0].pool")
        .contains("node-c");
    assertThat(dir.resolve("state.db")).as("nothing was created").doesNotExist();
  }

  @Test
  void aMissingOrExposedTokensFileIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
    Path tokens = dir.resolve("api-tokens");
    Path config = minimalConfig(dir, tokens, dir.resolve("state.db"));

    CommandResult missing = zferryd(config);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr())
        .contains(tokens + ": the API tokens file does not exist")
        .contains("zferry token new --file " + tokens);

    String secret = TokenFile.add(tokens, "peer", new SecureRandom()).token().secret();
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-r--r--"));
    CommandResult exposed = zferryd(config);
    assertThat(exposed.exitCode()).isEqualTo(1);
    assertThat(exposed.stderr())
        .contains(tokens.toString())
        .contains("readable or writable by group or others")
        .contains("chmod 600 " + tokens);
    assertThat(exposed.stdout() + exposed.stderr()).doesNotContain(secret);
    assertThat(dir.resolve("state.db")).as("nothing was created").doesNotExist();
  }

  @Test
  void aNodeWithoutItsTlsCertificateStopsWithTheFixBeforeOpeningAnything(@TempDir Path dir)
      throws Exception {
    Path tokens = dir.resolve("api-tokens");
    TokenFile.add(tokens, "peer", new SecureRandom());
    Path config = minimalConfig(dir, tokens, dir.resolve("state.db"));
    Path certificate = dir.resolve("tls/node.pem");
    // TLS on, as when the key is left out, with the files where this node has none yet.
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "  tls: off",
                String.join(
                    "\n",
                    "  tls:",
                    "    certificate: " + certificate,
                    "    privateKey: " + dir.resolve("tls/node.key"),
                    "    peerCertificate: " + dir.resolve("tls/peer.pem"))));

    CommandResult result = zferryd(config);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("api.tls.certificate " + certificate + " does not exist")
        .contains("zferry setup-tls NODE")
        .contains("api.tls: off")
        .doesNotContain("Exception");
    assertThat(dir.resolve("state.db")).as("nothing was created").doesNotExist();
  }

  @Test
  void aCorruptStateDatabaseStopsTheDaemonWithTheFixAndIsLeftAsItWas(@TempDir Path dir)
      throws Exception {
    Path tokens = dir.resolve("api-tokens");
    TokenFile.add(tokens, "peer", new SecureRandom());
    Path db = dir.resolve("state.db");
    byte[] garbage =
        "this is not an SQLite database, whatever its name says\n".repeat(100).getBytes();
    Files.write(db, garbage);
    Path config = minimalConfig(dir, tokens, db);

    CommandResult result = zferryd(config);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains(db.toString());
    // The daemon must not guess: it neither serves nor replaces the file holding epochs and locks.
    assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
  }

  /** Two nodes, no services: all zferryd needs to get as far as its tokens and its state. */
  private static Path minimalConfig(Path dir, Path tokens, Path db) throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "cluster:",
            "  name: it",
            "nodes:",
            "  - name: node-a",
            "    address: 10.99.0.11",
            "  - name: node-b",
            "    address: 10.99.0.12",
            "api:",
            "  tokensFile: " + tokens,
            "  tls: off",
            "state:",
            "  database: " + db,
            ""));
    return config;
  }

  private CommandResult zferryd(Path config) {
    return new LocalHost("here")
        .run(
            Command.of(
                repo.resolve("bin/zferryd").toString(),
                "--config",
                config.toString(),
                "--node",
                "node-a"),
            Duration.ofSeconds(60));
  }
}
