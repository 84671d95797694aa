package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.sync.transfer.WireCompression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records on their own, as code that builds a configuration without YAML sees them. */
class ZferryConfigTest {
  private static final NodeConfig NODE_A =
      new NodeConfig(NodeName.of("node-a"), "10.0.0.1", 22, 8330);
  private static final NodeConfig NODE_B =
      new NodeConfig(NodeName.of("node-b"), "10.0.0.2", 22, 8330);

  private static ServiceConfig service(String name, String pool, String preferred) {
    return new ServiceConfig(
        ServiceName.of(name),
        DatasetName.of(pool),
        NodeName.of(preferred),
        List.of(),
        Hooks.NONE,
        new FencingPolicy.Manual(),
        Settings.DEFAULTS,
        false,
        WireCompression.Mode.AUTO);
  }

  private static ZferryConfig config(List<NodeConfig> nodes, List<ServiceConfig> services) {
    return new ZferryConfig(
        new ClusterConfig("lab", Duration.ofSeconds(1), Duration.ofSeconds(10), List.of()),
        SshConfig.DEFAULTS,
        nodes,
        services,
        Settings.DEFAULTS,
        ApiConfig.DEFAULTS,
        StateConfig.DEFAULTS,
        Optional.empty());
  }

  @Test
  void looksUpNodesPeersAndServices() {
    ZferryConfig config =
        config(List.of(NODE_A, NODE_B), List.of(service("tank", "tank", "node-a")));
    assertThat(config.node(NodeName.of("node-b"))).isSameAs(NODE_B);
    assertThat(config.peerOf(NodeName.of("node-a"))).isSameAs(NODE_B);
    assertThat(config.peerOf(NodeName.of("node-b"))).isSameAs(NODE_A);
    assertThat(config.service(ServiceName.of("tank")).pool()).isEqualTo(DatasetName.of("tank"));
  }

  @Test
  void unknownNamesAreRefusedNamingTheKnownOnes() {
    ZferryConfig config =
        config(
            List.of(NODE_A, NODE_B),
            List.of(service("tank", "tank", "node-a"), service("db", "db", "node-b")));
    assertThatThrownBy(() -> config.service(ServiceName.of("tnak")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("there is no service 'tnak'; the services are tank, db");
    assertThatThrownBy(() -> config.peerOf(NodeName.of("node-c")))
        .hasMessage("there is no node 'node-c'; the nodes are node-a, node-b");
    assertThatThrownBy(
            () -> config(List.of(NODE_A, NODE_B), List.of()).service(ServiceName.of("x")))
        .hasMessage("there is no service 'x'; no services are configured");
  }

  @Test
  void theConstructorAppliesTheClusterRules() {
    assertThatThrownBy(() -> config(List.of(NODE_A), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "nodes: 1 nodes are listed (node-a) — list exactly two nodes, each with name and"
                + " address: this node and its peer");
    assertThatThrownBy(
            () -> config(List.of(NODE_A, NODE_B), List.of(service("tank", "tank", "node-c"))))
        .hasMessageStartingWith("services[0].preferredNode: 'node-c' is not one of the nodes");
  }

  @Test
  void recordsValidateOnConstruction() {
    assertThatThrownBy(() -> new NodeConfig(NodeName.of("a"), "10.0.0.1", 0, 8330))
        .isInstanceOf(ConfigValueException.class)
        .hasMessage("sshPort: 0 is out of range — use a whole number from 1 to 65535");
    assertThatThrownBy(
            () ->
                new Settings(
                    Duration.ofMinutes(15),
                    40,
                    Duration.ofMinutes(3),
                    Duration.ofMinutes(2),
                    -1,
                    Duration.ofDays(7)))
        .hasMessageStartingWith("bandwidthLimit: -1 is negative");
    assertThatThrownBy(() -> service("tank", "tank/data", "node-a"))
        .hasMessageStartingWith("pool: 'tank/data' is a dataset inside a pool, not a pool");
    assertThatThrownBy(
            () -> new Hooks(List.of(Path.of("start.sh")), List.of(), Duration.ofSeconds(5)))
        .hasMessageStartingWith("start[0]: 'start.sh' is a relative path");
    assertThatThrownBy(() -> new FencingPolicy.Command(List.of(), Duration.ofSeconds(5)))
        .hasMessageStartingWith("command: the fence command is empty");
    assertThatThrownBy(
            () -> new FencingPolicy.Command(List.of("/bin/fence", "a\0b"), Duration.ofSeconds(5)))
        .hasMessageStartingWith("command[1]: 'a\\u0000b' contains a NUL character");
    assertThatThrownBy(() -> new Vip("10.0.0.5/24", "a-very-long-interface"))
        .hasMessageStartingWith("interface: 'a-very-long-interface' is not a valid network");
    assertThatThrownBy(
            () -> new ClusterConfig("lab", Duration.ofSeconds(1), Duration.ofSeconds(2), List.of()))
        .hasMessageStartingWith("heartbeatTimeout: 2s is shorter than 3 heartbeat intervals (3s)");
    assertThatThrownBy(() -> new ApiUser("admin", "secret"))
        .hasMessageStartingWith("passwordHash: the value is not a password hash")
        .hasMessageNotContaining("secret");
  }

  @Test
  void fencingPoliciesNameThemselves() {
    assertThat(new FencingPolicy.Manual().policyName()).isEqualTo("manual");
    assertThat(new FencingPolicy.Ignore().policyName()).isEqualTo("ignore");
    assertThat(new FencingPolicy.Command(List.of("/bin/true"), Duration.ofSeconds(1)).policyName())
        .isEqualTo("command");
  }
}
