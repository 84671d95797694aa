package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshEndpointTest {
  private static final Path KEY = Path.of("/etc/zferry/id_ed25519");
  private static final Path KNOWN = Path.of("/etc/zferry/known_hosts");

  @Test
  void namesItselfForKnownHostsLikeOpenSsh() {
    SshEndpoint endpoint = new SshEndpoint("Node-A", "LAB.example", 2222, "root", KEY, KNOWN);

    assertThat(endpoint.knownHostsNames()).containsExactly("node-a", "[lab.example]:2222");
    assertThat(endpoint.hostPort()).isEqualTo("LAB.example:2222");
    assertThat(new SshEndpoint("n", "fd00::1", 22, "root", KEY, KNOWN).hostPort())
        .isEqualTo("[fd00::1]:22");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "node a", "node,a", "*", "!node", "|1|x", "node\n", "-node"})
  void refusesNodeNamesThatWouldBeKnownHostsSyntax(String name) {
    assertThatThrownBy(() -> new SshEndpoint(name, "10.0.0.1", 22, "root", KEY, KNOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node name");
  }

  @Test
  void refusesBadAddressesPortsAndUsers() {
    assertThatThrownBy(() -> new SshEndpoint("a", "10.0.0.1 ", 22, "root", KEY, KNOWN))
        .hasMessageContaining("address");
    assertThatThrownBy(() -> new SshEndpoint("a", "10.0.0.1", 0, "root", KEY, KNOWN))
        .hasMessageContaining("port 0");
    assertThatThrownBy(() -> new SshEndpoint("a", "10.0.0.1", 65536, "root", KEY, KNOWN))
        .hasMessageContaining("port 65536");
    assertThatThrownBy(() -> new SshEndpoint("a", "10.0.0.1", 22, "ro ot", KEY, KNOWN))
        .hasMessageContaining("user");
  }
}
