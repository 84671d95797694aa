package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zferry.service.api.auth.Role;
import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import io.zferry.snapshot.zfs.DatasetName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String SOURCE = "zferry.yaml";

  /** The smallest valid configuration: everything else has a default. */
  private static final String MINIMAL =
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
      """;

  private static ZferryConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, SOURCE);
  }

  /** The rendered problem lines of a configuration that must be refused. */
  private static List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
    assertThat(e).as("the configuration should have been refused").isNotNull();
    assertThat(e.getMessage().split("\n")).hasSize(e.problems().size());
    return List.of(e.getMessage().split("\n"));
  }

  /** MINIMAL with one line replaced, so that each test shows only what it breaks. */
  private static String minimalWith(String line, String replacement) {
    assertThat(MINIMAL).contains(line);
    return MINIMAL.replace(line, replacement);
  }

  // ---- valid configurations ------------------------------------------------------------------

  @Test
  void minimalConfigGetsEveryDefault() {
    ZferryConfig config = parse(MINIMAL);

    assertThat(config.cluster())
        .isEqualTo(
            new ClusterConfig("lab", Duration.ofSeconds(1), Duration.ofSeconds(10), List.of()));
    assertThat(config.ssh())
        .isEqualTo(
            new SshConfig(
                Path.of("/etc/zferry/ssh/id_ed25519"),
                Path.of("/etc/zferry/ssh/known_hosts"),
                "root",
                SshConfig.StreamClient.OPENSSH));
    assertThat(config.nodes())
        .containsExactly(
            new NodeConfig(NodeName.of("node-a"), "10.99.0.11", 22, 8330),
            new NodeConfig(NodeName.of("node-b"), "10.99.0.12", 22, 8330));
    assertThat(config.defaults())
        .isEqualTo(
            new Settings(
                Duration.ofMinutes(15),
                40,
                Duration.ofMinutes(3),
                Duration.ofMinutes(2),
                0,
                Duration.ofDays(7)));
    assertThat(config.defaults().rollbackWindow()).isEqualTo(Duration.ofHours(10));
    assertThat(config.api())
        .isEqualTo(
            new ApiConfig(
                8330,
                "0.0.0.0",
                Optional.of(TlsConfig.DEFAULTS),
                Path.of("/etc/zferry/api-tokens"),
                List.of()));
    assertThat(config.api().tls().orElseThrow())
        .as("mutual TLS with the files zferry setup-tls makes")
        .isEqualTo(
            new TlsConfig(
                Path.of("/etc/zferry/tls/node.pem"),
                Path.of("/etc/zferry/tls/node.key"),
                Optional.of(Path.of("/etc/zferry/tls/peer.pem"))));
    assertThat(config.state().database()).isEqualTo(Path.of("/var/lib/zferry/state.db"));

    ServiceConfig tank = config.service(ServiceName.of("tank"));
    assertThat(tank.pool()).isEqualTo(DatasetName.of("tank"));
    assertThat(tank.preferredNode()).isEqualTo(NodeName.of("node-a"));
    assertThat(tank.vips()).isEmpty();
    assertThat(tank.hooks()).isEqualTo(new Hooks(List.of(), List.of(), Duration.ofMinutes(2)));
    assertThat(tank.fencing()).isEqualTo(new FencingPolicy.Manual());
    assertThat(tank.settings()).isEqualTo(config.defaults());
  }

  @Test
  void fencingIgnoreWithoutAWitnessIsRefusedWithTheFix() {
    String ignore = MINIMAL + "    fencing:\n      policy: ignore\n";

    assertThat(problems(ignore))
        .containsExactly(
            "zferry.yaml: services[0].fencing.policy: ignore takes over without fencing, and"
                + " without a witness two nodes cannot tell a dead peer from a cut link: in a"
                + " partition both would serve — add a witness: section (etcd endpoints), or set"
                + " policy: command with a fence command (or manual)");

    ZferryConfig witnessed = parse(ignore + "witness:\n  endpoints: [http://10.0.0.3:2379]\n");
    assertThat(witnessed.service(ServiceName.of("tank")).fencing())
        .isEqualTo(new FencingPolicy.Ignore());
    assertThat(witnessed.witness().orElseThrow().ttl()).isEqualTo(WitnessConfig.DEFAULT_TTL);
    assertThat(witnessed.witness().orElseThrow().safetyMargin())
        .isEqualTo(WitnessConfig.DEFAULT_SAFETY_MARGIN);
    assertThat(parse(MINIMAL).witness()).isEmpty();
  }

  @Test
  void aWitnessWithBadValuesIsRefusedKeyByKey() {
    assertThat(problems(MINIMAL + "witness:\n  endpoints: [10.0.0.3:2379, \"http://h:2379/v3\"]\n"))
        .containsExactly(
            "zferry.yaml: witness.endpoints[0]: '10.0.0.3:2379' is not an etcd client URL — write"
                + " http://HOST:PORT (or https://), such as http://10.0.0.3:2379",
            "zferry.yaml: witness.endpoints[1]: 'http://h:2379/v3' is not an etcd client URL —"
                + " write http://HOST:PORT (or https://), such as http://10.0.0.3:2379");
    assertThat(problems(MINIMAL + "witness:\n  ttl: 30s\n"))
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: witness.endpoints: missing");
    assertThat(
            problems(
                MINIMAL
                    + "witness:\n  endpoints: [http://10.0.0.3:2379]\n  ttl: 15s\n"
                    + "  safetyMargin: 10s\n"))
        .singleElement()
        .asString()
        .contains("witness.safetyMargin: 10s leaves no time to renew");
    assertThat(
            problems(
                minimalWith(
                        "  name: lab",
                        "  name: lab\n  heartbeatInterval: 5s\n  heartbeatTimeout: 20s")
                    + "witness:\n  endpoints: [http://10.0.0.3:2379]\n  safetyMargin: 8s\n"))
        .singleElement()
        .asString()
        .contains("witness.safetyMargin: 8s is shorter than 2 heartbeat intervals (10s)");
  }

  @Test
  void perServiceSettingsOverrideTheDefaultsKeyByKey() {
    ZferryConfig config =
        parse(
            MINIMAL
                + """
                  settings:
                    retentionCount: 100
                    bandwidthLimit: 50MB/s
                - name: backup
                  pool: backup
                  preferredNode: node-b
              defaults:
                snapshotInterval: 5m
                retentionCount: 12
              """);

    Settings tank = config.service(ServiceName.of("tank")).settings();
    assertThat(tank.snapshotInterval()).isEqualTo(Duration.ofMinutes(5)); // from defaults
    assertThat(tank.retentionCount()).isEqualTo(100); // its own
    assertThat(tank.pullInterval()).isEqualTo(Duration.ofMinutes(3)); // built-in default
    assertThat(tank.bandwidthLimitBytesPerSecond()).isEqualTo(50_000_000L);

    Settings backup = config.service(ServiceName.of("backup")).settings();
    assertThat(backup).isEqualTo(config.defaults());
    assertThat(backup.retentionCount()).isEqualTo(12);
  }

  @Test
  void readsEveryKindOfValue() {
    ZferryConfig config =
        parse(
            """
            cluster:
              name: prod.storage
              heartbeatInterval: 500ms
              heartbeatTimeout: 5s
              pingTargets: [192.168.1.1, "fd00::1"]
            ssh:
              privateKey: /root/.ssh/zferry
              knownHosts: /root/.ssh/zferry_known_hosts
              user: zferry
              streamClient: sshj
            nodes:
              - name: alpha
                address: alpha.example.org
                sshPort: 2222
              - name: beta
                address: "fd00::12"
                apiPort: "9443"
            services:
              - name: tank
                pool: tank
                preferredNode: beta
                vips:
                  - cidr: 192.168.1.100/24
                    interface: bond0
                  - cidr: fd00::100/64
                    interface: eth0.100
                hooks:
                  start: [/etc/zferry/hooks/start-nfs, /etc/zferry/hooks/notify]
                  stop:
                    - /etc/zferry/hooks/stop-nfs
                  timeout: 30s
                fencing:
                  policy: command
                  command: [/usr/local/sbin/fence-peer, --off, "5"]
                  timeout: 2m
              - name: scratch
                pool: scratch
                preferredNode: alpha
                fencing:
                  policy: ignore
            defaults:
              bandwidthLimit: 125000000
            api:
              port: 8443
              bindAddress: "::"
              tls:
                certificate: /etc/zferry/tls/cert.pem
                privateKey: /etc/zferry/tls/key.pem
              tokensFile: /etc/zferry/tokens
              users:
                - name: admin
                  passwordHash: $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA
            state:
              database: /srv/zferry/state.db
            witness:
              endpoints: [http://10.0.0.3:2379, "https://[fd00::3]:2379"]
              ttl: 20s
              safetyMargin: 5s
            """);

    assertThat(config.witness())
        .contains(
            new WitnessConfig(
                List.of(
                    java.net.URI.create("http://10.0.0.3:2379"),
                    java.net.URI.create("https://[fd00::3]:2379")),
                Duration.ofSeconds(20),
                Duration.ofSeconds(5)));
    assertThat(config.cluster().pingTargets()).containsExactly("192.168.1.1", "fd00::1");
    assertThat(config.cluster().heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.ssh().user()).isEqualTo("zferry");
    assertThat(config.ssh().streamClient()).isEqualTo(SshConfig.StreamClient.SSHJ);
    NodeConfig alpha = config.node(NodeName.of("alpha"));
    assertThat(alpha.sshPort()).isEqualTo(2222);
    assertThat(alpha.apiPort()).isEqualTo(8443); // api.port is the default
    assertThat(config.peerOf(NodeName.of("alpha")).apiPort()).isEqualTo(9443);
    assertThat(config.peerOf(NodeName.of("beta"))).isSameAs(alpha);

    ServiceConfig tank = config.service(ServiceName.of("tank"));
    assertThat(tank.vips())
        .containsExactly(new Vip("192.168.1.100/24", "bond0"), new Vip("fd00::100/64", "eth0.100"));
    assertThat(tank.vips().get(1).isIpv6()).isTrue();
    assertThat(tank.vips().get(0).address()).isEqualTo("192.168.1.100");
    assertThat(tank.vips().get(0).prefixLength()).isEqualTo(24);
    assertThat(tank.hooks().start())
        .containsExactly(
            Path.of("/etc/zferry/hooks/start-nfs"), Path.of("/etc/zferry/hooks/notify"));
    assertThat(tank.hooks().stop()).containsExactly(Path.of("/etc/zferry/hooks/stop-nfs"));
    assertThat(tank.fencing())
        .isEqualTo(
            new FencingPolicy.Command(
                List.of("/usr/local/sbin/fence-peer", "--off", "5"), Duration.ofMinutes(2)));
    assertThat(config.service(ServiceName.of("scratch")).fencing())
        .isEqualTo(new FencingPolicy.Ignore());
    assertThat(tank.settings().bandwidthLimitBytesPerSecond()).isEqualTo(125_000_000L);

    assertThat(config.api().tls())
        .contains(
            new TlsConfig(
                Path.of("/etc/zferry/tls/cert.pem"),
                Path.of("/etc/zferry/tls/key.pem"),
                Optional.of(Path.of("/etc/zferry/tls/peer.pem"))));
    assertThat(config.api().users()).extracting(ApiUser::name).containsExactly("admin");
    assertThat(config.api().users().get(0).toString()).doesNotContain("argon2");
    assertThat(config.state().database()).isEqualTo(Path.of("/srv/zferry/state.db"));
  }

  @Test
  void loadsAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("zferry.yaml");
    Files.writeString(file, MINIMAL, StandardCharsets.UTF_8);
    assertThat(ConfigLoader.load(file).cluster().name()).isEqualTo("lab");
  }

  // ---- refused configurations: one problem each ----------------------------------------------

  @Test
  void unknownKeySuggestsTheNearestKnownKey() {
    assertThat(problems(MINIMAL + "defaults:\n  retentionCout: 10\n"))
        .containsExactly(
            "zferry.yaml: defaults.retentionCout: unknown key — did you mean 'retentionCount'?");
    assertThat(problems(minimalWith("    pool: tank", "    pool: tank\n    Vips: []")))
        .containsExactly("zferry.yaml: services[0].Vips: unknown key — did you mean 'vips'?");
    assertThat(problems(minimalWith("  name: lab", "  name: lab\n  heartbeatTimout: 5s")))
        .containsExactly(
            "zferry.yaml: cluster.heartbeatTimout: unknown key — did you mean 'heartbeatTimeout'?");
  }

  @Test
  void unknownKeysCannotForgeOutputLines() {
    assertThat(problems(MINIMAL + "\"x\\nzferry.yaml: all good\": 1\n"))
        .containsExactly(
            "zferry.yaml: 'x\\u000azferry.yaml: all good': unknown key — remove it; the keys"
                + " allowed here are cluster, ssh, nodes, services, defaults, api, state, witness");
  }

  @Test
  void unknownKeyWithNothingNearListsTheAllowedKeys() {
    assertThat(problems(MINIMAL + "logging: debug\n"))
        .containsExactly(
            "zferry.yaml: logging: unknown key — remove it; the keys allowed here are cluster,"
                + " ssh, nodes, services, defaults, api, state, witness");
  }

  @Test
  void preferredNodeMustBeOneOfTheNodes() {
    assertThat(problems(minimalWith("preferredNode: node-a", "preferredNode: node-c")))
        .containsExactly(
            "zferry.yaml: services[0].preferredNode: 'node-c' is not one of the nodes (node-a,"
                + " node-b) — use the name of one of the nodes, or add node 'node-c' under nodes");
  }

  @Test
  void serviceNamesMustBeUniqueIgnoringCase() {
    String yaml = MINIMAL + "  - name: Tank\n    pool: other\n    preferredNode: node-b\n";
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: services[1].name: service 'Tank' is already defined at services[0] —"
                + " give each service its own name (names are compared ignoring case)");
  }

  @Test
  void aPoolBelongsToOneServiceOnly() {
    String yaml = MINIMAL + "  - name: tank2\n    pool: tank\n    preferredNode: node-b\n";
    assertThat(problems(yaml))
        .singleElement()
        .asString()
        .startsWith(
            "zferry.yaml: services[1].pool: pool 'tank' already belongs to service 'tank' at"
                + " services[0] — give each pool to one service only");
  }

  @Test
  void nodeNamesMustBeUnique() {
    assertThat(problems(minimalWith("name: node-b", "name: NODE-A")))
        .containsExactly(
            "zferry.yaml: nodes[1].name: node 'NODE-A' is already defined at nodes[0] — give each"
                + " node its own name (names are compared ignoring case, as known_hosts does)");
  }

  @Test
  void twoNodesOnOneEndpointAreRefused() {
    assertThat(problems(minimalWith("address: 10.99.0.12", "address: 10.99.0.11")))
        .containsExactly(
            "zferry.yaml: nodes[1].sshPort: node 'node-b' has the same address and sshPort as node"
                + " 'node-a', so both would be the same endpoint — give each node its own address,"
                + " or a different sshPort if both run on one host",
            "zferry.yaml: nodes[1].apiPort: node 'node-b' has the same address and apiPort as node"
                + " 'node-a', so both would be the same endpoint — give each node its own address,"
                + " or a different apiPort if both run on one host");
    // One host is fine when the ports differ, as in a test setup.
    parse(
        minimalWith(
            "address: 10.99.0.12", "address: 10.99.0.11\n    sshPort: 2222\n    apiPort: 8331"));
  }

  @Test
  void exactlyTwoNodesAreRequired() {
    String oneNode = minimalWith("  - name: node-b\n    address: 10.99.0.12\n", "");
    assertThat(problems(oneNode))
        .containsExactly(
            "zferry.yaml: nodes: 1 nodes are listed (node-a) — list exactly two nodes, each with"
                + " name and address: this node and its peer");

    String threeNodes =
        minimalWith(
            "    address: 10.99.0.12\n",
            "    address: 10.99.0.12\n  - name: node-c\n    address: 10.99.0.13\n");
    assertThat(problems(threeNodes))
        .singleElement()
        .asString()
        .contains(
            "nodes: 3 nodes are listed (node-a, node-b, node-c) — zferry's own failover rules run"
                + " two nodes; for more, let Pacemaker decide (cluster.manager: pacemaker");

    String noNodes = "cluster:\n  name: lab\n";
    assertThat(problems(noNodes))
        .containsExactly(
            "zferry.yaml: nodes: no nodes are listed — list exactly two nodes, each with name and"
                + " address: this node and its peer");
  }

  @Test
  void requiredKeysAreNamedWithTheirFix() {
    String yaml =
        """
        nodes:
          - name: node-a
          - address: 10.99.0.12
        services:
          - pool: tank
        """;
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: nodes[0].address: missing — give the address the peer reaches this node"
                + " at, such as 10.99.0.11",
            "zferry.yaml: nodes[1].name: missing — name the node, such as node-a (1 to 63"
                + " letters, digits, '-', '_' or '.', starting with a letter or a digit)",
            "zferry.yaml: services[0].name: missing — name the service, such as tank (1 to 63"
                + " letters, digits, '-', '_' or '.', starting with a letter or a digit)",
            "zferry.yaml: services[0].preferredNode: missing — name the node that should run the"
                + " service when neither says otherwise",
            // The file has no cluster section: its problem comes after those of the sections it
            // has.
            "zferry.yaml: cluster.name: missing — name the cluster, such as 'storage'; it is shown"
                + " in the GUI, the CLI and metrics");
  }

  @Test
  void intervalsOutOfRangeAreRefused() {
    assertThat(problems(MINIMAL + "defaults:\n  snapshotInterval: 2s\n"))
        .containsExactly(
            "zferry.yaml: defaults.snapshotInterval: 2s is below the minimum of 5s — use a"
                + " duration from 5s to 7d");
    assertThat(problems(MINIMAL + "defaults:\n  pullInterval: 36h\n"))
        .containsExactly(
            "zferry.yaml: defaults.pullInterval: 1d12h is above the maximum of 1d — use a duration"
                + " from 1s to 1d");
    assertThat(problems(MINIMAL + "    settings:\n      stallTimeout: 1s\n"))
        .containsExactly(
            "zferry.yaml: services[0].settings.stallTimeout: 1s is below the minimum of 5s — use a"
                + " duration from 5s to 1d");
    assertThat(problems(MINIMAL + "defaults:\n  retentionCount: 0\n"))
        .containsExactly(
            "zferry.yaml: defaults.retentionCount: 0 is out of range — use a whole number from 1"
                + " to 10000");
  }

  @Test
  void durationsNeedAUnit() {
    assertThat(problems(MINIMAL + "defaults:\n  snapshotInterval: 15\n"))
        .containsExactly(
            "zferry.yaml: defaults.snapshotInterval: 15 has no unit — add one: 15s for seconds,"
                + " 15m for minutes");
    assertThat(problems(MINIMAL + "defaults:\n  pullInterval: 3 minutes\n"))
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: defaults.pullInterval: '3 minutes' is not a duration — write");
  }

  @Test
  void heartbeatTimeoutMustCoverThreeIntervals() {
    String yaml =
        minimalWith("  name: lab", "  name: lab\n  heartbeatInterval: 5s\n  heartbeatTimeout: 10s");
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: cluster.heartbeatTimeout: 10s is shorter than 3 heartbeat intervals"
                + " (15s), so one late heartbeat would look like a dead peer — raise"
                + " heartbeatTimeout to at least 15s or lower heartbeatInterval");
  }

  @Test
  void poolMustBeAValidZfsPoolName() {
    assertThat(problems(minimalWith("pool: tank", "pool: tank/data")))
        .containsExactly(
            "zferry.yaml: services[0].pool: 'tank/data' is a dataset inside a pool, not a pool —"
                + " name the whole pool, here 'tank'; zferry replicates pools, not datasets");
    assertThat(problems(minimalWith("pool: tank", "pool: 1tank")))
        .containsExactly(
            "zferry.yaml: services[0].pool: pool name '1tank' is not accepted: a pool name must"
                + " begin with a letter — use the name of the pool as `zpool list` shows it, such"
                + " as tank");
    assertThat(problems(minimalWith("pool: tank", "pool: mirror1")))
        .singleElement()
        .asString()
        .contains("services[0].pool: pool name 'mirror1' is not accepted: names beginning with");
    assertThat(problems(minimalWith("pool: tank", "pool: \"tank; rm -rf /\"")))
        .singleElement()
        .asString()
        .contains("services[0].pool: pool name 'tank; rm -rf /' is not accepted");
  }

  @Test
  void vipsMustBeHostAddressesWithAPrefix() {
    String template = MINIMAL + "    vips:\n      - cidr: CIDR\n        interface: eth0\n";
    assertThat(problems(template.replace("CIDR", "10.99.0.300/24")))
        .containsExactly(
            "zferry.yaml: services[0].vips[0].cidr: '10.99.0.300/24' is not an IPv4 or IPv6"
                + " address with a prefix length — write an address and a prefix length, such as"
                + " 10.99.0.100/24");
    assertThat(problems(template.replace("CIDR", "10.99.0.100")))
        .containsExactly(
            "zferry.yaml: services[0].vips[0].cidr: '10.99.0.100' has no prefix length — write an"
                + " address and a prefix length, such as 10.99.0.100/24");
    assertThat(problems(template.replace("CIDR", "10.99.0.100/33")))
        .singleElement()
        .asString()
        .contains("'10.99.0.100/33' has a prefix length outside 1..32");
    assertThat(problems(template.replace("CIDR", "fd00::100/129")))
        .singleElement()
        .asString()
        .contains("'fd00::100/129' has a prefix length outside 1..128");
    assertThat(problems(template.replace("CIDR", "10.99.0.0/24")))
        .singleElement()
        .asString()
        .contains("'10.99.0.0/24' is the network address of its network");
    assertThat(problems(template.replace("CIDR", "10.99.0.255/24")))
        .singleElement()
        .asString()
        .contains("'10.99.0.255/24' is the broadcast address of its network");
    assertThat(problems(template.replace("CIDR", "010.99.0.1/24")))
        .singleElement()
        .asString()
        .contains("is not an IPv4 or IPv6 address");
    assertThat(problems(template.replace("CIDR", "vip.example.org/24")))
        .singleElement()
        .asString()
        .contains("is not an IPv4 or IPv6 address");
    assertThat(problems(template.replace("CIDR", "10.99.0.100/24").replace("eth0", "eth0:1")))
        .containsExactly(
            "zferry.yaml: services[0].vips[0].interface: 'eth0:1' is not a valid network interface"
                + " name — use 1 to 15 letters, digits, '-', '_' or '.', starting with a letter or a"
                + " digit (Linux's limit), such as eth0");
    // Point-to-point prefixes have no network or broadcast address.
    parse(template.replace("CIDR", "10.99.0.0/31"));
    parse(template.replace("CIDR", "10.99.0.7/32"));
  }

  @Test
  void aVipIsClaimedOnceInTheWholeCluster() {
    String yaml =
        MINIMAL
            + """
                vips:
                  - cidr: 10.99.0.100/24
                    interface: eth0
                  - cidr: "fd00::0:100/64"
                    interface: eth0
              - name: other
                pool: other
                preferredNode: node-b
                vips:
                  - cidr: 10.99.0.100/32
                    interface: eth1
                  - cidr: "fd00::100/64"
                    interface: eth0
            """;
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: services[1].vips[0].cidr: address 10.99.0.100 is already used at"
                + " services[0].vips[0] — give each VIP to one service only, once",
            "zferry.yaml: services[1].vips[1].cidr: address fd00::100 is already used at"
                + " services[0].vips[1] — give each VIP to one service only, once");
  }

  @Test
  void aVipIsNoNodesOwnAddress() {
    String yaml = MINIMAL + "    vips:\n      - cidr: 10.99.0.12/24\n        interface: eth0\n";
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: services[0].vips[0].cidr: address 10.99.0.12 belongs to node 'node-b' —"
                + " use an address no node owns: a VIP moves between nodes, a node's address does"
                + " not");
  }

  @Test
  void portsMustBeTcpPorts() {
    assertThat(problems(MINIMAL + "api:\n  port: 70000\n"))
        .containsExactly(
            "zferry.yaml: api.port: 70000 is out of range — use a whole number from 1 to 65535");
    assertThat(problems(minimalWith("address: 10.99.0.11", "address: 10.99.0.11\n    sshPort: 0")))
        .containsExactly(
            "zferry.yaml: nodes[0].sshPort: 0 is out of range — use a whole number from 1 to"
                + " 65535");
    assertThat(
            problems(minimalWith("address: 10.99.0.11", "address: 10.99.0.11\n    apiPort: http")))
        .containsExactly(
            "zferry.yaml: nodes[0].apiPort: the value is the text 'http', but a whole number is"
                + " expected — write a whole number from 1 to 65535");
  }

  @Test
  void anUnknownStreamClientIsRefused() {
    assertThat(problems(MINIMAL + "ssh:\n  streamClient: scp\n"))
        .containsExactly(
            "zferry.yaml: ssh.streamClient: 'scp' is not one of openssh, sshj — use one of"
                + " openssh, sshj");
  }

  @Test
  void pathsMustBeAbsolute() {
    String yaml =
        MINIMAL
            + """
                hooks:
                  start: [/etc/zferry/hooks/ok, hooks/start]
            ssh:
              privateKey: keys/id_ed25519
            state:
              database: state.db
            api:
              tokensFile: ./tokens
            """;
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: services[0].hooks.start[1]: 'hooks/start' is a relative path — write the"
                + " full path, starting with '/'",
            "zferry.yaml: ssh.privateKey: 'keys/id_ed25519' is a relative path — write the full"
                + " path, starting with '/'",
            "zferry.yaml: state.database: 'state.db' is a relative path — write the full path,"
                + " starting with '/'",
            "zferry.yaml: api.tokensFile: './tokens' is a relative path — write the full path,"
                + " starting with '/'");
  }

  @Test
  void fenceCommandNeedsAnArgv() {
    String template = MINIMAL + "    fencing:\n      policy: command\nMORE";
    assertThat(problems(template.replace("MORE", "      command: []\n")))
        .containsExactly(
            "zferry.yaml: services[0].fencing.command: the fence command is empty — give the"
                + " command and its arguments as a list, such as [/usr/local/sbin/fence-peer,"
                + " --off]");
    assertThat(problems(template.replace("MORE", "")))
        .containsExactly(
            "zferry.yaml: services[0].fencing.command: missing — give the fence command and its"
                + " arguments as a list, such as [/usr/local/sbin/fence-peer, --off], or choose"
                + " another policy");
    assertThat(problems(template.replace("MORE", "      command: [fence-peer, --off]\n")))
        .containsExactly(
            "zferry.yaml: services[0].fencing.command[0]: 'fence-peer' is a relative path — write"
                + " the full path, starting with '/'");
    assertThat(problems(template.replace("MORE", "      command: /usr/sbin/fence --off\n")))
        .containsExactly(
            "zferry.yaml: services[0].fencing.command: the value is the text '/usr/sbin/fence"
                + " --off', but a list is expected — write a list, such as [a, b], or one '- '"
                + " entry per line");
    assertThat(problems(template.replace("MORE", "      command: [/usr/sbin/fence, 5]\n")))
        .containsExactly(
            "zferry.yaml: services[0].fencing.command[1]: the value is the number 5, but text is"
                + " expected — put the value in quotes");
  }

  @Test
  void rawSendsAreOffUnlessTheServiceAsksForThem() {
    assertThat(parse(MINIMAL).services().get(0).rawSends()).isFalse();
    assertThat(parse(MINIMAL + "    replication:\n      raw: true\n").services().get(0).rawSends())
        .isTrue();
    assertThat(parse(MINIMAL + "    replication: {}\n").services().get(0).rawSends()).isFalse();
  }

  @Test
  void rawSendsAreTrueOrFalseOnly() {
    assertThat(problems(MINIMAL + "    replication:\n      raw: \"yes\"\n"))
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: services[0].replication.raw: ")
        .endsWith("but true or false is expected — write true or false");
    assertThat(problems(MINIMAL + "    replication:\n      raw: 1\n"))
        .singleElement()
        .asString()
        .contains("the number 1, but true or false is expected");
    assertThat(problems(MINIMAL + "    replication:\n      rwa: true\n"))
        .singleElement()
        .asString()
        .contains("services[0].replication.rwa")
        .contains("raw");
  }

  @Test
  void fenceCommandOnlyGoesWithPolicyCommand() {
    String yaml =
        MINIMAL
            + "    fencing:\n      policy: manual\n      command: [/usr/sbin/fence]\n"
            + "      timeout: 30s\n";
    assertThat(problems(yaml))
        .containsExactly(
            "zferry.yaml: services[0].fencing.command: is only used with policy: command, but the"
                + " policy is manual — remove it, or set policy: command",
            "zferry.yaml: services[0].fencing.timeout: is only used with policy: command, but the"
                + " policy is manual — remove it, or set policy: command");
    assertThat(problems(MINIMAL + "    fencing:\n      policy: stonith\n"))
        .containsExactly(
            "zferry.yaml: services[0].fencing.policy: 'stonith' is not one of command, ignore,"
                + " manual — use one of command, ignore, manual");
  }

  @Test
  void tlsIsSwitchedOffOnlyByName() {
    for (String off : List.of("off", "false", "OFF")) {
      assertThat(parse(MINIMAL + "api:\n  tls: " + off + "\n").api().tls()).as(off).isEmpty();
    }
    assertThat(parse(MINIMAL + "api:\n  port: 8443\n").api().tls())
        .as("an api section without tls")
        .contains(TlsConfig.DEFAULTS);
    assertThat(problems(MINIMAL + "api:\n  tls: yes\n"))
        .containsExactly(
            "zferry.yaml: api.tls: the value is the boolean true (YAML reads true, false, yes, no,"
                + " on and off as booleans), but a mapping of keys is expected — put the keys of tls"
                + " on the lines below it, indented");
  }

  @Test
  void tlsFilesNotGivenAreWhereSetupTlsMakesThem() {
    TlsConfig tls =
        parse(MINIMAL + "api:\n  tls:\n    certificate: /srv/tls/a.pem\n")
            .api()
            .tls()
            .orElseThrow();

    assertThat(tls.certificate()).isEqualTo(Path.of("/srv/tls/a.pem"));
    assertThat(tls.privateKey()).isEqualTo(TlsConfig.DEFAULTS.privateKey());
    assertThat(tls.peerCertificate()).isEqualTo(TlsConfig.DEFAULTS.peerCertificate());
    assertThat(problems(MINIMAL + "api:\n  tls:\n    peerCertificate: peer.pem\n"))
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: api.tls.peerCertificate: ");
  }

  @Test
  void usersNeedAHashAndUniqueNames() {
    String yaml =
        MINIMAL
            + """
            api:
              users:
                - name: admin
                  passwordHash: hunter2
                - name: ops
                  passwordHash: $2b$12$abcdefghijklmnopqrstuv
                - name: OPS
                  passwordHash: $2b$12$abcdefghijklmnopqrstuv
            """;
    List<String> problems = problems(yaml);
    assertThat(problems)
        .containsExactly(
            "zferry.yaml: api.users[0].passwordHash: the value is not a password hash — store the"
                + " hash that `zferry passwd NAME` prints ($argon2id$v=19$...), or a bcrypt hash"
                + " ($2b$12$...); never the password itself");
    // Reported once the hash is fixed; the pasted password itself never appears.
    assertThat(String.join("\n", problems)).doesNotContain("hunter2");
    assertThat(problems(yaml.replace("hunter2", "$2b$12$abcdefghijklmnopqrstuv")))
        .containsExactly(
            "zferry.yaml: api.users[2].name: user 'OPS' is already defined at users[1] — give each"
                + " user one entry");
  }

  @Test
  void aUserIsAViewerUnlessTheConfigSaysOperatorAndNeverThePeer() {
    String yaml =
        MINIMAL
            + """
            api:
              users:
                - name: alice
                  passwordHash: $2b$12$abcdefghijklmnopqrstuv
                - name: bob
                  passwordHash: $2b$12$abcdefghijklmnopqrstuv
                  role: operator
            """;
    assertThat(parse(yaml).api().users())
        .extracting(ApiUser::role)
        .containsExactly(Role.VIEWER, Role.OPERATOR);
    assertThat(problems(yaml.replace("role: operator", "role: peer")))
        .containsExactly(
            "zferry.yaml: api.users[1].role: 'peer' is not one of viewer, operator — use one of"
                + " viewer, operator");
  }

  @Test
  void pingTargetsMustBeAddresses() {
    assertThat(problems(minimalWith("  name: lab", "  name: lab\n  pingTargets: [gateway.lan]")))
        .containsExactly(
            "zferry.yaml: cluster.pingTargets[0]: 'gateway.lan' is not an IP address — write an"
                + " IPv4 or IPv6 address such as 10.99.0.1; names are refused because an isolated"
                + " node may not be able to resolve them");
  }

  @Test
  void namesAreChecked() {
    assertThat(problems(minimalWith("name: node-b", "name: node b")))
        .contains(
            "zferry.yaml: nodes[1].name: 'node b' is not a valid node name — use 1 to 63 letters,"
                + " digits, '-', '_' or '.', starting with a letter or a digit");
    assertThat(problems(minimalWith("name: lab", "name: 2024")))
        .containsExactly(
            "zferry.yaml: cluster.name: the value is the number 2024, but text is expected — put"
                + " the value in quotes");
    assertThat(problems(minimalWith("address: 10.99.0.11", "address: 10.99.0.300")))
        .containsExactly(
            "zferry.yaml: nodes[0].address: '10.99.0.300' is neither an IP address nor a host name"
                + " — write an address such as 10.99.0.11 or fd00::11, or a host name such as"
                + " node-a.example");
  }

  @Test
  void sectionsOfTheWrongShapeAreReported() {
    assertThat(problems(MINIMAL + "defaults: 15m\n"))
        .containsExactly(
            "zferry.yaml: defaults: the value is the text '15m', but a mapping of keys is expected"
                + " — put the keys of defaults on the lines below it, indented");
    assertThat(problems("cluster:\n  name: lab\nnodes: node-a\n"))
        .containsExactly(
            "zferry.yaml: nodes: the value is the text 'node-a', but a list is expected — write one"
                + " entry per line, each starting with '- '");
    assertThat(problems(minimalWith("  - name: node-b\n    address: 10.99.0.12\n", "  - node-b\n")))
        .containsExactly(
            "zferry.yaml: nodes[1]: the value is the text 'node-b', but a mapping of keys is"
                + " expected — write the entry's keys after '- ', one per line");
  }

  // ---- many problems at once -----------------------------------------------------------------

  @Test
  void reportsEveryProblemInOnePass() {
    String yaml =
        """
        cluster:
          name: lab
          heartbeatIntervall: 1s
        nodes:
          - name: node-a
            address: 10.99.0.11
            sshPort: 99999
          - name: node-b
            address: 10.99.0.12
        services:
          - name: tank
            pool: tank/data
            preferredNode: node-c
            vips:
              - cidr: 10.99.0.100
                interface: eth0
          - name: tank
            pool: backup
            preferredNode: node-a
        defaults:
          snapshotInterval: 1s
        api:
          port: 0
        """;
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));

    assertThat(e.source()).isEqualTo(SOURCE);
    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactly(
            "cluster.heartbeatIntervall",
            "nodes[0].sshPort",
            "services[0].pool",
            "services[0].vips[0].cidr",
            "services[0].preferredNode",
            "services[1].name",
            "defaults.snapshotInterval",
            "api.port");
    assertThat(e.getMessage().lines()).allMatch(line -> line.startsWith("zferry.yaml: "));
  }

  // ---- unreadable files ------------------------------------------------------------------------

  @Test
  void yamlSyntaxErrorsGiveLineAndColumn() {
    String yaml = "cluster:\n  name: lab\nnodes:\n  - name: node-a\n   address: [10.99.0.11\n";
    assertThat(problems(yaml))
        .singleElement()
        .asString()
        .matches("zferry\\.yaml: line \\d+, column \\d+: the YAML cannot be read: .+ — fix the .*");
  }

  @Test
  void truncatedYamlIsRefusedWithItsPosition() {
    String truncated =
        MINIMAL.substring(0, MINIMAL.indexOf("address: 10.99.0.12")) + "address: \"10.9";
    List<String> problems = problems(truncated);
    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: line 7, column ")
        .contains("the YAML cannot be read")
        .doesNotContain("\n");
  }

  @Test
  void tabsAreRefusedWithAHint() {
    assertThat(problems("cluster:\n\tname: lab\n"))
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: line 2, column ")
        .contains("indent with spaces, not tabs");
  }

  @Test
  void garbageIsRefused() {
    assertThat(problems("just some words"))
        .containsExactly(
            "zferry.yaml: the top level is not a mapping of keys (the value is the text 'just some"
                + " words') — write the sections cluster:, nodes: and services: at the start of"
                + " their lines");
    assertThat(problems("- a\n- b\n")).singleElement().asString().contains("the value is a list");
    assertThat(problems("{{{{")).singleElement().asString().contains("the YAML cannot be read");
    assertThat(problems("\u0000\u0001binary")).singleElement().asString().contains("zferry.yaml: ");
  }

  @Test
  void anEmptyFileIsRefused() {
    assertThat(problems(""))
        .containsExactly(
            "zferry.yaml: the file is empty — start from the commented sample zferry.yaml in"
                + " packaging/");
    assertThat(problems("# only a comment\n")).singleElement().asString().contains("empty");
  }

  @Test
  void aKeyGivenTwiceIsRefused() {
    assertThat(problems(minimalWith("  name: lab", "  name: lab\n  name: prod")))
        .singleElement()
        .asString()
        .startsWith("zferry.yaml: line 3, column ")
        .contains("the key 'name' appears twice in one mapping — keep one of the two");
  }

  @Test
  void aSecondDocumentIsRefusedRatherThanIgnored() {
    assertThat(problems(MINIMAL + "---\ndefaults:\n  retentionCount: 5\n"))
        .containsExactly(
            "zferry.yaml: line 13, column 1: a second YAML document begins here (after a '---'"
                + " line) — zferry reads one document: remove the '---' line and merge the two");
  }

  @Test
  void yamlBooleansAreNotTakenForText() {
    assertThat(problems(MINIMAL + "    fencing:\n      policy: on\n"))
        .containsExactly(
            "zferry.yaml: services[0].fencing.policy: the value is the boolean true (YAML reads"
                + " true, false, yes, no, on and off as booleans), but text is expected — put the"
                + " value in quotes");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path file = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ": the file does not exist — create it; start from the commented sample"
                + " zferry.yaml in packaging/");
  }

  @Test
  void aFileThatIsNotUtf8IsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .hasMessage(file + ": the file is not UTF-8 text — save it as UTF-8");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#NAMES")
  void theInjectionCorpusIsRefusedAsANodeServiceOrPoolName(String hostile) throws Exception {
    // Written as a YAML string with JSON escapes, so that every character arrives as it is.
    String quoted = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(hostile);
    for (String[] swap :
        List.of(
            new String[] {"  - name: node-b", "  - name: " + quoted},
            new String[] {"  - name: tank", "  - name: " + quoted},
            new String[] {"    pool: tank", "    pool: " + quoted})) {
      ConfigException e =
          catchThrowableOfType(ConfigException.class, () -> parse(minimalWith(swap[0], swap[1])));
      assertThat(e).as(swap[0] + " -> " + hostile).isNotNull();
      assertThat(e.getMessage())
          .as("no raw control character in the message")
          .doesNotContain("\n\n");
    }
  }
}
