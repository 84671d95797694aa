package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The REST API under {@code /api/v1}, which the GUI, the CLI and the peer node use.
 *
 * @param port the TCP port every node's API listens on unless the node sets its own {@code apiPort}
 * @param bindAddress the local IP address to listen on; {@code 0.0.0.0} for every IPv4 address
 * @param tls the certificates of the API's mutual TLS ({@link TlsConfig#DEFAULTS} unless the
 *     configuration names others); empty only when the configuration says {@code api.tls: off}, and
 *     then the API speaks plain HTTP
 * @param tokensFile the file holding the API tokens that the CLI, the GUI and the peer node
 *     authenticate with, the same on both nodes; read and checked by {@code
 *     io.zferry.service.api.auth.TokenFile} when zferryd starts
 * @param users who may log in to the GUI
 */
public record ApiConfig(
    int port, String bindAddress, Optional<TlsConfig> tls, Path tokensFile, List<ApiUser> users) {
  public static final int DEFAULT_PORT = 8330;
  public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
  public static final Path DEFAULT_TOKENS_FILE = Path.of("/etc/zferry/api-tokens");
  public static final ApiConfig DEFAULTS =
      new ApiConfig(
          DEFAULT_PORT,
          DEFAULT_BIND_ADDRESS,
          Optional.of(TlsConfig.DEFAULTS),
          DEFAULT_TOKENS_FILE,
          List.of());

  /**
   * Where a client on this node reaches the API: the bind address, or 127.0.0.1 when the API
   * listens on every address.
   */
  public String localAddress() {
    return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
  }

  public ApiConfig {
    IntRange.TCP_PORT.check("port", port);
    requireBindAddress("bindAddress", bindAddress);
    Objects.requireNonNull(tls, "tls");
    Checks.absolute("tokensFile", tokensFile);
    users = List.copyOf(users);
    // Login names are compared ignoring case, as people type them.
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < users.size(); i++) {
      String name = users.get(i).name();
      Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
      if (first != null) {
        throw new ConfigValueException(
            "users[" + i + "].name",
            "user '" + name + "' is already defined at users[" + first + "]",
            "give each user one entry");
      }
    }
  }

  static String requireBindAddress(String key, String address) {
    if (!Addresses.isIp(address)) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(address) + " is not an IP address",
          "use a local IP address of this node, 0.0.0.0 for every IPv4 address or :: for every"
              + " address");
    }
    return address;
  }
}
