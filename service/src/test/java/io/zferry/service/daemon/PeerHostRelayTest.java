package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.config.SshConfig;
import io.zferry.sync.transfer.StreamRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which program joins a peer's send to the local receive, by what this node has installed. */
class PeerHostRelayTest {
  private static SshConfig ssh(SshConfig.StreamClient client) {
    return new SshConfig(Path.of("/etc/zferry/ssh/id_ed25519"), Path.of("/k"), "root", client);
  }

  private static Path executable(Path dir, String name) throws Exception {
    Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void thePackagesWrapperWhenPvAndItAreInstalled(@TempDir Path dir) throws Exception {
    Path pv = executable(dir, "pv");
    Path wrapper = executable(dir, "zferry-relay");

    assertThat(PeerHost.relay(ssh(SshConfig.StreamClient.OPENSSH), pv, wrapper))
        .contains(new StreamRelay(wrapper));
  }

  @Test
  void pvItselfWhenTheWrapperIsMissingAndNoneWithoutPv(@TempDir Path dir) throws Exception {
    Path pv = executable(dir, "pv");
    Path missing = dir.resolve("missing");

    assertThat(PeerHost.relay(ssh(SshConfig.StreamClient.OPENSSH), pv, missing))
        .contains(new StreamRelay(pv));
    assertThat(PeerHost.relay(ssh(SshConfig.StreamClient.OPENSSH), missing, missing)).isEmpty();
  }

  @Test
  void noRelayWhenSshjCarriesTheStreams(@TempDir Path dir) throws Exception {
    Path pv = executable(dir, "pv");

    assertThat(PeerHost.relay(ssh(SshConfig.StreamClient.SSHJ), pv, executable(dir, "w")))
        .isEqualTo(Optional.empty());
  }
}
