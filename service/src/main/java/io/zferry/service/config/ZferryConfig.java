package io.zferry.service.config;

import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The whole, validated configuration of a zferry cluster, as read from {@code zferry.yaml}. Both
 * nodes normally hold the same file.
 *
 * @param cluster cluster name and failure detection
 * @param ssh how a node logs in to its peer
 * @param nodes exactly two nodes
 * @param services the clustered services; may be empty
 * @param defaults the settings every service starts from (each {@link ServiceConfig#settings()}
 *     already has its own overrides applied)
 * @param api the REST API and GUI
 * @param state the local state store
 * @param witness the third vote's etcd cluster, if there is one
 */
public record ZferryConfig(
    ClusterConfig cluster,
    SshConfig ssh,
    List<NodeConfig> nodes,
    List<ServiceConfig> services,
    Settings defaults,
    ApiConfig api,
    StateConfig state,
    Optional<WitnessConfig> witness) {

  public ZferryConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(ssh, "ssh");
    nodes = List.copyOf(nodes);
    services = List.copyOf(services);
    Objects.requireNonNull(defaults, "defaults");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(witness, "witness");
    List<ConfigProblem> problems =
        ConfigRules.check(
            cluster.manager(),
            nodes.stream().map(ConfigRules.NodeFacts::of).toList(),
            services.stream().map(ConfigRules.ServiceFacts::of).toList());
    if (!problems.isEmpty()) {
      throw new ConfigException(null, problems);
    }
  }

  /**
   * The node called {@code name}.
   *
   * @throws IllegalArgumentException naming the known nodes if there is none
   */
  public NodeConfig node(NodeName name) {
    return nodes.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "there is no node '" + name + "'; the nodes are " + nodeNames()));
  }

  /**
   * The other node of the pair; of more nodes (under Pacemaker), the first other one listed.
   *
   * @throws IllegalArgumentException naming the known nodes if {@code name} is not one of them
   */
  public NodeConfig peerOf(NodeName name) {
    return peersOf(name).get(0);
  }

  /**
   * Every other node, in the order listed.
   *
   * @throws IllegalArgumentException naming the known nodes if {@code name} is not one of them
   */
  public List<NodeConfig> peersOf(NodeName name) {
    NodeConfig self = node(name);
    return nodes.stream().filter(n -> n != self).toList();
  }

  /**
   * The service called {@code name}.
   *
   * @throws IllegalArgumentException naming the configured services if there is none
   */
  public ServiceConfig service(ServiceName name) {
    return services.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "there is no service '"
                        + name
                        + "'; "
                        + (services.isEmpty()
                            ? "no services are configured"
                            : "the services are "
                                + services.stream()
                                    .map(s -> s.name().value())
                                    .collect(Collectors.joining(", ")))));
  }

  private String nodeNames() {
    return nodes.stream().map(n -> n.name().value()).collect(Collectors.joining(", "));
  }
}
