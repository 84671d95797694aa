package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiException;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.Role;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ApiConfig;
import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ZferryConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How a command reaches the local zferryd: the API's URL and the token, read from the tokens file
 * named in the configuration (root on a node can read both) or given with {@code --token-file}.
 */
final class ApiOptions {
  static final String CLI_TOKEN_LABEL = "cli";
  static final String DEFAULT_CONFIG = "/etc/zferry/zferry.yaml";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--api",
      paramLabel = "URL",
      description =
          "The daemon's API (default: this node's API port in the configuration on 127.0.0.1,"
              + " else http://127.0.0.1:"
              + ApiConfig.DEFAULT_PORT
              + ").")
  URI api;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "API tokens file to authenticate with; its token labelled '"
              + CLI_TOKEN_LABEL
              + "' is used, else its first (default: api.tokensFile of the configuration).")
  Path tokenFile;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:ZFERRY_CONFIG:-" + DEFAULT_CONFIG + "}",
      description =
          "The zferry configuration, for the tokens file and the API port (default: $ZFERRY_CONFIG,"
              + " else "
              + DEFAULT_CONFIG
              + ").")
  Path config;

  /**
   * A client of the local daemon.
   *
   * @throws CliFailure (usage) if no token can be read
   */
  ApiClient client() {
    return client(REQUEST_TIMEOUT);
  }

  /** A client for an action that may take long, such as a switchover that waits for a pull. */
  ApiClient client(Duration requestTimeout) {
    ZferryConfig loaded = null;
    if (tokenFile == null) {
      loaded = loadConfig();
    } else if (api == null && Files.isRegularFile(config)) {
      // Only for the port: a config this user cannot read is no reason to fail.
      try {
        loaded = ConfigLoader.load(config);
      } catch (ConfigException e) {
        loaded = null;
      }
    }
    Path file = tokenFile != null ? tokenFile : loaded.api().tokensFile();
    ApiTokens tokens = readTokens(file);
    URI url = api != null ? api : localApi(loaded);
    try {
      // With api.tls the daemon speaks HTTPS; its own certificate is trusted besides the JVM's CAs.
      java.util.Optional<javax.net.ssl.SSLContext> trust =
          loaded == null
              ? java.util.Optional.empty()
              : loaded.api().tls().map(io.zferry.service.api.TlsKeyStore::trust);
      return new ApiClient(
          url,
          tokens
              .withRole(CLI_TOKEN_LABEL, Role.OPERATOR)
              .orElseGet(() -> tokens.forClient(CLI_TOKEN_LABEL)),
          CONNECT_TIMEOUT,
          requestTimeout,
          trust);
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage(e.getMessage() + "; pass --api http://HOST:PORT");
    } catch (IllegalStateException e) {
      // The node's own certificate, which the CLI trusts, is missing or unreadable.
      throw CliFailure.failed(e.getMessage());
    }
  }

  /** The message for a failed call, naming the daemon and the fix. */
  static CliFailure failure(ApiCallException e) {
    if (e instanceof ApiException) {
      ApiException answer = (ApiException) e;
      return CliFailure.failed(
          "zferryd at "
              + e.uri()
              + " answered "
              + answer.status()
              + ": "
              + answer.error()
              + "; "
              + answer.fix());
    }
    return CliFailure.failed(
        "no zferryd answers at "
            + e.uri()
            + " ("
            + e.getMessage()
            + "); is it running? (systemctl status zferryd), or pass --api URL");
  }

  private ZferryConfig loadConfig() {
    if (!Files.exists(config)) {
      throw CliFailure.usage(
          "the configuration "
              + config
              + " does not exist, so the API tokens file is unknown; pass --config FILE or"
              + " --token-file FILE");
    }
    if (!Files.isReadable(config)) {
      throw CliFailure.usage(
          "cannot read the configuration "
              + config
              + ": Permission denied; run as root or pass --token-file FILE");
    }
    try {
      return ConfigLoader.load(config);
    } catch (ConfigException e) {
      throw CliFailure.usage(
          "the configuration is not valid (check it with zferry config check), or pass"
              + " --token-file FILE:\n"
              + e.getMessage());
    }
  }

  private static ApiTokens readTokens(Path file) {
    try {
      return TokenFile.read(file);
    } catch (TokenFileException e) {
      switch (e.reason()) {
        case MISSING:
          throw CliFailure.usage(
              "token file "
                  + file
                  + " does not exist; create it on a node with `zferry token new --file "
                  + file
                  + "` (then copy it to the other node), or pass --token-file");
        case UNREADABLE:
          throw CliFailure.usage(
              "cannot read token file "
                  + file
                  + ": "
                  + e.problem()
                  + "; run as root or pass --token-file");
        default:
          throw CliFailure.usage("token file " + e.getMessage());
      }
    }
  }

  /** This node's API as the configuration describes it, on the loopback address if it can. */
  static URI localApi(ZferryConfig config) {
    if (config == null) {
      return ApiClient.httpUrl("127.0.0.1", ApiConfig.DEFAULT_PORT);
    }
    int port = config.api().port();
    String host = thisHost();
    for (NodeConfig node : config.nodes()) {
      if (node.name().value().equalsIgnoreCase(host)) {
        port = node.apiPort();
      }
    }
    String bind = config.api().bindAddress();
    boolean everyAddress = bind.equals("0.0.0.0") || bind.equals("::");
    return ApiClient.url(config.api().tls().isPresent(), everyAddress ? "127.0.0.1" : bind, port);
  }

  private static String thisHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
