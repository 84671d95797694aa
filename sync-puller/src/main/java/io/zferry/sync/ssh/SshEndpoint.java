package io.zferry.sync.ssh;

import io.zferry.snapshot.zfs.ZfsNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and as whom to reach a peer node over SSH, and which files prove both sides.
 *
 * <p>The peer's host key is looked up in {@code knownHosts} under {@code nodeName} first, like
 * OpenSSH's {@code HostKeyAlias}: the lab connects to {@code 127.0.0.1:22011} but the key belongs
 * to {@code node-a}, and a production node may change address without its key changing. An entry
 * for the address itself ({@code [address]:port}, or plain {@code address} on port 22) is accepted
 * as well, so a known_hosts file written by {@code ssh-keyscan} also works.
 *
 * @param nodeName the peer's node name; used in messages and as the known_hosts alias
 * @param address host name or IP address to connect to
 * @param port TCP port of the peer's sshd
 * @param user remote login name
 * @param privateKey unencrypted private key file (ed25519, ECDSA or RSA; OpenSSH or PEM format)
 * @param knownHosts OpenSSH known_hosts file holding the peer's host key
 */
public record SshEndpoint(
    String nodeName, String address, int port, String user, Path privateKey, Path knownHosts) {

  /** Characters that cannot break a known_hosts pattern list or a log line. */
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9_.:-]{1,253}");
  private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");

  public SshEndpoint {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(knownHosts, "knownHosts");
    require("node name", nodeName, NODE_NAME, "letters, digits, '_', '.', '-'");
    require("address", address, ADDRESS, "a host name or an IP address");
    require("user", user, USER, "a login name");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("SSH port " + port + " is not between 1 and 65535");
    }
  }

  /** {@code address:port} for messages; IPv6 addresses in brackets. */
  public String hostPort() {
    return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }

  /**
   * The names under which known_hosts may hold this peer's key, lower-cased as OpenSSH compares
   * them: the node name, then the address in OpenSSH's form ({@code [address]:port} unless port
   * 22).
   */
  public List<String> knownHostsNames() {
    String host = address.toLowerCase(Locale.ROOT);
    String addressName = port == 22 ? host : "[" + host + "]:" + port;
    return List.of(nodeName.toLowerCase(Locale.ROOT), addressName);
  }

  private static void require(String what, String value, Pattern pattern, String expected) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "SSH endpoint "
              + what
              + " "
              + ZfsNames.printable(value)
              + " is not accepted; expected "
              + expected);
    }
  }
}
