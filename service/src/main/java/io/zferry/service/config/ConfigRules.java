package io.zferry.service.config;

import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import io.zferry.snapshot.zfs.DatasetName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The rules that span several nodes or services, shared by {@link ZferryConfig}'s constructor and
 * the loader. They work on facts in which anything may be null: the loader passes what it could
 * read even from entries with bad values elsewhere, so that a bad retention count in one service
 * does not hide that the same service names a node that does not exist.
 */
final class ConfigRules {
  /** What the rules need of a node; a null field could not be read. */
  record NodeFacts(NodeName name, String address, Integer sshPort, Integer apiPort) {
    static NodeFacts of(NodeConfig node) {
      return new NodeFacts(node.name(), node.address(), node.sshPort(), node.apiPort());
    }
  }

  /** What the rules need of a service; a null field or VIP could not be read. */
  record ServiceFacts(ServiceName name, DatasetName pool, NodeName preferredNode, List<Vip> vips) {
    static ServiceFacts of(ServiceConfig service) {
      return new ServiceFacts(
          service.name(), service.pool(), service.preferredNode(), service.vips());
    }

    List<Vip> knownVips() {
      return vips == null ? List.of() : vips;
    }
  }

  private ConfigRules() {}

  /**
   * @param nodes one entry per list entry in the file; null for an entry that is not a mapping
   * @param services likewise
   */
  /** One active and up to eight passives per service. */
  public static final int MAX_NODES = 9;

  static List<ConfigProblem> check(
      ClusterManager manager, List<NodeFacts> nodes, List<ServiceFacts> services) {
    List<ConfigProblem> problems = new ArrayList<>();
    checkNodes(manager, nodes, problems);
    checkServices(nodes, services, problems);
    return problems;
  }

  private static void checkNodes(
      ClusterManager manager, List<NodeFacts> nodes, List<ConfigProblem> problems) {
    String listed =
        nodes.isEmpty()
            ? "no nodes are listed"
            : nodes.size() + " nodes are listed (" + names(nodes) + ")";
    switch (manager) {
      case ZFERRY -> {
        if (nodes.size() != 2) {
          problems.add(
              new ConfigProblem(
                  "nodes",
                  listed,
                  nodes.size() > 2
                      ? "zferry's own failover rules run two nodes; for more, let Pacemaker"
                          + " decide (cluster.manager: pacemaker, docs/pacemaker.md)"
                      : "list exactly two nodes, each with name and address: this node and its"
                          + " peer"));
        }
      }
      case PACEMAKER -> {
        if (nodes.size() < 2 || nodes.size() > MAX_NODES) {
          problems.add(
              new ConfigProblem(
                  "nodes",
                  listed,
                  "list 2 to "
                      + MAX_NODES
                      + " nodes, each with name and address: one active and up to "
                      + (MAX_NODES - 1)
                      + " passives"));
        }
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      NodeFacts node = nodes.get(i);
      for (int j = 0; j < i && node != null; j++) {
        NodeFacts earlier = nodes.get(j);
        if (earlier == null) {
          continue;
        }
        if (node.name() != null && earlier.name() != null && node.name().sameAs(earlier.name())) {
          problems.add(
              new ConfigProblem(
                  "nodes[" + i + "].name",
                  "node '" + node.name() + "' is already defined at nodes[" + j + "]",
                  "give each node its own name (names are compared ignoring case, as known_hosts"
                      + " does)"));
        } else if (node.address() != null && node.address().equalsIgnoreCase(earlier.address())) {
          if (node.sshPort() != null && node.sshPort().equals(earlier.sshPort())) {
            problems.add(sharedEndpoint(i, node, earlier, "sshPort"));
          }
          if (node.apiPort() != null && node.apiPort().equals(earlier.apiPort())) {
            problems.add(sharedEndpoint(i, node, earlier, "apiPort"));
          }
        }
      }
    }
  }

  private static ConfigProblem sharedEndpoint(
      int i, NodeFacts node, NodeFacts earlier, String port) {
    return new ConfigProblem(
        "nodes[" + i + "]." + port,
        "node '"
            + node.name()
            + "' has the same address and "
            + port
            + " as node '"
            + earlier.name()
            + "', so both would be the same endpoint",
        "give each node its own address, or a different " + port + " if both run on one host");
  }

  private static void checkServices(
      List<NodeFacts> nodes, List<ServiceFacts> services, List<ConfigProblem> problems) {
    // Checked only when every node's name could be read: a service may well mean the node whose
    // name is misspelt, and that is reported already.
    boolean allNodesNamed = nodes.stream().allMatch(n -> n != null && n.name() != null);
    List<NodeName> nodeNames =
        nodes.stream().filter(Objects::nonNull).map(NodeFacts::name).toList();
    for (int i = 0; i < services.size(); i++) {
      ServiceFacts service = services.get(i);
      if (service == null) {
        continue;
      }
      String at = "services[" + i + "]";
      NodeName preferred = service.preferredNode();
      if (preferred != null
          && allNodesNamed
          && !nodeNames.isEmpty()
          && !nodeNames.contains(preferred)) {
        problems.add(
            new ConfigProblem(
                at + ".preferredNode",
                "'"
                    + preferred
                    + "' is not one of the nodes ("
                    + nodeNames.stream().map(NodeName::value).collect(Collectors.joining(", "))
                    + ")",
                "use the name of one of the nodes, or add node '" + preferred + "' under nodes"));
      }
      for (int j = 0; j < i; j++) {
        ServiceFacts earlier = services.get(j);
        if (earlier == null) {
          continue;
        }
        if (service.name() != null
            && earlier.name() != null
            && service.name().sameAs(earlier.name())) {
          problems.add(
              new ConfigProblem(
                  at + ".name",
                  "service '" + service.name() + "' is already defined at services[" + j + "]",
                  "give each service its own name (names are compared ignoring case)"));
        }
        if (service.pool() != null && service.pool().equals(earlier.pool())) {
          problems.add(
              new ConfigProblem(
                  at + ".pool",
                  "pool '"
                      + service.pool()
                      + "' already belongs to "
                      + (earlier.name() == null ? "" : "service '" + earlier.name() + "' at ")
                      + "services["
                      + j
                      + "]",
                  "give each pool to one service only: two services cannot fail over one pool"
                      + " independently"));
        }
      }
      checkVips(nodes, services, i, problems);
    }
  }

  /** A VIP may be claimed once in the whole cluster, and never be a node's own address. */
  private static void checkVips(
      List<NodeFacts> nodes,
      List<ServiceFacts> services,
      int serviceIndex,
      List<ConfigProblem> problems) {
    List<Vip> vips = services.get(serviceIndex).knownVips();
    for (int v = 0; v < vips.size(); v++) {
      Vip vip = vips.get(v);
      if (vip == null) {
        continue;
      }
      String at = "services[" + serviceIndex + "].vips[" + v + "].cidr";
      String earlier = firstUse(services, serviceIndex, v, vip);
      if (earlier != null) {
        problems.add(
            new ConfigProblem(
                at,
                "address " + vip.address() + " is already used at " + earlier,
                "give each VIP to one service only, once"));
      }
      for (NodeFacts node : nodes) {
        byte[] nodeAddress =
            node == null || node.address() == null ? null : Addresses.parseIp(node.address());
        if (nodeAddress != null && Arrays.equals(nodeAddress, vip.addressBytes())) {
          problems.add(
              new ConfigProblem(
                  at,
                  "address " + vip.address() + " belongs to node '" + node.name() + "'",
                  "use an address no node owns: a VIP moves between nodes, a node's address"
                      + " does not"));
        }
      }
    }
  }

  /** Where the cluster first uses the address of {@code vip}, if before (service, vip index). */
  private static String firstUse(
      List<ServiceFacts> services, int serviceIndex, int vipIndex, Vip vip) {
    for (int s = 0; s <= serviceIndex; s++) {
      ServiceFacts service = services.get(s);
      if (service == null) {
        continue;
      }
      List<Vip> vips = service.knownVips();
      int limit = s == serviceIndex ? vipIndex : vips.size();
      for (int v = 0; v < limit; v++) {
        if (vips.get(v) != null && Arrays.equals(vips.get(v).addressBytes(), vip.addressBytes())) {
          return "services[" + s + "].vips[" + v + "]";
        }
      }
    }
    return null;
  }

  private static String names(List<NodeFacts> nodes) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      NodeFacts node = nodes.get(i);
      names.add(node == null || node.name() == null ? "nodes[" + i + "]" : node.name().value());
    }
    return String.join(", ", names);
  }
}
