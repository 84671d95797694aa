package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** cluster.manager: pacemaker, and what it leaves to Pacemaker. */
class PacemakerConfigTest {
  private static final String UNDER_PACEMAKER =
      """
      cluster:
        name: lab
        manager: pacemaker
      nodes:
        - name: node-a
          address: 10.99.0.11
        - name: node-b
          address: 10.99.0.12
      services:
        - name: tank
          pool: tank
          preferredNode: node-a
      """;

  @Test
  void zferryDecidesUnlessTheConfigurationSaysPacemaker() {
    String own = UNDER_PACEMAKER.replace("  manager: pacemaker\n", "");
    assertThat(ConfigLoader.parse(own, "zferry.yaml").cluster().manager())
        .isEqualTo(ClusterManager.ZFERRY);
    assertThat(ConfigLoader.parse(UNDER_PACEMAKER, "zferry.yaml").cluster().pacemaker()).isTrue();
  }

  @Test
  void underPacemakerOneActiveFeedsUpToEightPassives() {
    StringBuilder nodes = new StringBuilder();
    for (int i = 3; i <= 9; i++) {
      nodes.append("  - name: node-").append(i).append("\n    address: 10.99.0.").append(10 + i);
      nodes.append("\n");
    }
    String nine = UNDER_PACEMAKER.replace("services:\n", nodes + "services:\n");
    ZferryConfig config = ConfigLoader.parse(nine, "zferry.yaml");
    assertThat(config.nodes()).hasSize(9);
    assertThat(config.peersOf(new io.zferry.service.model.NodeName("node-5")))
        .extracting(n -> n.name().value())
        .containsExactly(
            "node-a", "node-b", "node-3", "node-4", "node-6", "node-7", "node-8", "node-9");

    String ten =
        nine.replace("services:\n", "  - name: node-10\n    address: 10.99.0.20\nservices:\n");
    assertThat(problems(ten))
        .singleElement()
        .asString()
        .contains("nodes: 10 nodes are listed")
        .contains("list 2 to 9 nodes")
        .contains("up to 8 passives");
  }

  @Test
  void anOffSitePassivePullsAtItsOwnPace() {
    String yaml =
        UNDER_PACEMAKER.replace(
            "services:\n",
            "  - name: node-c\n    address: 10.99.0.14\n    pullInterval: 1h\n"
                + "    bandwidthLimit: 20MB/s\nservices:\n");
    ZferryConfig config = ConfigLoader.parse(yaml, "zferry.yaml");
    NodeConfig offSite = config.node(new io.zferry.service.model.NodeName("node-c"));
    Settings service = config.services().get(0).settings();

    Settings there = offSite.pullingBy(service);
    assertThat(there.pullInterval()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(there.bandwidthLimitBytesPerSecond()).isEqualTo(20_000_000L);
    assertThat(there.snapshotInterval()).isEqualTo(service.snapshotInterval());
    NodeConfig local = config.node(new io.zferry.service.model.NodeName("node-b"));
    assertThat(local.pullingBy(service)).isSameAs(service);

    assertThat(problems(yaml.replace("pullInterval: 1h", "pullInterval: 2d")))
        .singleElement()
        .asString()
        .contains("nodes[2].pullInterval");
  }

  @Test
  void anUnknownManagerIsRefusedWithTheChoices() {
    assertThat(problems(UNDER_PACEMAKER.replace("manager: pacemaker", "manager: corosync")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p).contains("cluster.manager").contains("zferry").contains("pacemaker"));
  }

  @Test
  void vipsFencingAndAWitnessAreLeftToPacemakerAndCorosync() {
    String yaml =
        UNDER_PACEMAKER
            + """
                vips:
                  - cidr: 10.99.0.100/24
                    interface: eth0
                fencing:
                  policy: manual
            witness:
              endpoints: [http://10.99.0.13:2379]
            """;
    String all = String.join("\n", problems(yaml));
    assertThat(all)
        .contains("services[0].vips")
        .contains("IPaddr2")
        .contains("services[0].fencing")
        .contains("STONITH")
        .contains("witness")
        .contains("corosync");
  }

  private static java.util.List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "zferry.yaml"));
    assertThat(e).as("the configuration should have been refused").isNotNull();
    return java.util.List.of(e.getMessage().split("\n"));
  }
}
