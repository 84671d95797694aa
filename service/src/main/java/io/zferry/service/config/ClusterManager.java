package io.zferry.service.config;

import java.util.Arrays;
import java.util.List;

/**
 * Who decides which node serves a service: zferry's own two-node rules (heartbeats, fencing policy,
 * witness), or Pacemaker, which promotes one instance of a promotable clone through the resource
 * agent {@code ocf:zferry:service} and fences with its own STONITH (docs/pacemaker.md).
 */
public enum ClusterManager {
  /** zferry's failover rules decide (design §5): the simple two-node case. */
  ZFERRY("zferry"),
  /**
   * Pacemaker decides: zferryd never takes a service over on its own, serves only where Pacemaker
   * promoted it, and leaves VIPs ({@code IPaddr2}), fencing (STONITH) and quorum to the cluster.
   */
  PACEMAKER("pacemaker");

  private final String yamlName;

  ClusterManager(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The value of {@code cluster.manager}. */
  public String yamlName() {
    return yamlName;
  }

  public static List<String> yamlNames() {
    return Arrays.stream(values()).map(ClusterManager::yamlName).toList();
  }

  public static ClusterManager of(String yamlName) {
    return Arrays.stream(values())
        .filter(m -> m.yamlName.equals(yamlName))
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigValueException(
                    "manager",
                    yamlName + " is not a cluster manager",
                    "write one of " + String.join(", ", yamlNames())));
  }
}
