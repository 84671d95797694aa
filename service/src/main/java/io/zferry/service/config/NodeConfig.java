package io.zferry.service.config;

import io.zferry.service.model.NodeName;
import io.zferry.snapshot.zfs.ZfsNames;
import java.util.Objects;

/**
 * One of the two cluster nodes.
 *
 * @param name the node's name; also the alias its SSH host key is pinned under in known_hosts
 * @param address host name or IP address the peer uses to reach this node, for replication (SSH)
 *     and for the API
 * @param sshPort TCP port of this node's sshd
 * @param apiPort TCP port of this node's API (and GUI)
 */
public record NodeConfig(NodeName name, String address, int sshPort, int apiPort) {
  public static final int DEFAULT_SSH_PORT = 22;

  public NodeConfig {
    Objects.requireNonNull(name, "name");
    requireAddress("address", address);
    IntRange.TCP_PORT.check("sshPort", sshPort);
    IntRange.TCP_PORT.check("apiPort", apiPort);
  }

  /** Returns {@code address} if it is an IP literal or a host name. */
  static String requireAddress(String key, String address) {
    if (!Addresses.isIp(address) && !Addresses.isHostName(address)) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(address) + " is neither an IP address nor a host name",
          "write an address such as 10.99.0.11 or fd00::11, or a host name such as node-a.example");
    }
    return address;
  }
}
