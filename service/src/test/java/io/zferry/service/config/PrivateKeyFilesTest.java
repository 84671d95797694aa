package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateKeyFilesTest {
  @Test
  void onlyTheOwnerMayHaveAnyPermission() {
    assertThat(PrivateKeyFiles.exposure(PosixFilePermissions.fromString("rw-------"))).isEmpty();
    assertThat(PrivateKeyFiles.exposure(PosixFilePermissions.fromString("r--------"))).isEmpty();
    assertThat(PrivateKeyFiles.exposure(PosixFilePermissions.fromString("rw-r--r--")))
        .hasValue("has mode rw-r--r--: others than its owner may read it");
    assertThat(PrivateKeyFiles.exposure(PosixFilePermissions.fromString("rw-r-----")))
        .hasValueSatisfying(why -> assertThat(why).contains("read"));
    assertThat(PrivateKeyFiles.exposure(PosixFilePermissions.fromString("rw-----w-")))
        .hasValueSatisfying(why -> assertThat(why).contains("change"));
  }

  private static ZferryConfig configWithKeys(Path sshKey, Path tlsKey) {
    return ConfigLoader.parse(
        TwoNodeYaml.with(
            "services:",
            "  - name: tank",
            "    pool: tank",
            "    preferredNode: node-a",
            "ssh:",
            "  privateKey: " + sshKey,
            "api:",
            "  tls:",
            "    certificate: " + tlsKey.resolveSibling("cert.pem"),
            "    privateKey: " + tlsKey),
        "zferry.yaml");
  }

  @Test
  void keysOthersCanReadAreReportedWithTheirKeyAndTheFix(@TempDir Path dir) throws Exception {
    Path ssh = Files.writeString(dir.resolve("id_ed25519"), "key");
    Path tls = Files.writeString(dir.resolve("key.pem"), "key");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rw-r-----"));

    var problems = PrivateKeyFiles.check(configWithKeys(ssh, tls));

    assertThat(problems)
        .extracting(ConfigProblem::path)
        .containsExactly("ssh.privateKey", "api.tls.privateKey");
    assertThat(problems.get(0).problem()).startsWith(ssh.toString()).contains("rw-r--r--");
    assertThat(problems.get(0).fix()).startsWith("chmod 600 " + ssh);
  }

  @Test
  void privateKeysAndMissingFilesAreNoProblemHere(@TempDir Path dir) throws Exception {
    Path ssh = Files.writeString(dir.resolve("id_ed25519"), "key");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rw-------"));

    assertThat(PrivateKeyFiles.check(configWithKeys(ssh, dir.resolve("missing.pem")))).isEmpty();
  }
}
