package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiException;
import io.zferry.service.api.ApiUnreachableException;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.Role;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ApiConfig;
import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.ConfigValueException;
import io.zferry.service.config.DurationText;
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

  /**
   * How long a short command waits for its connection and then for its answer. The connection
   * includes the TLS handshake (java.net.http counts it in the connect time-out), which a cold JVM
   * on a small, loaded node (one slow vCPU shared with zferryd) needs seconds for: measured 3-10 s
   * on a 1-vCPU VM, where a shorter limit claimed that zferryd does not answer.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "How long to wait for zferryd's answer, such as 10s or 2m (default: 30s; failover,"
              + " mark-sync-as-fixed and divergence wait as long as their work takes; check: 10s).")
  String timeout;

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

  /**
   * A client that waits {@code commandDefault} for an answer, unless {@code --timeout} says
   * otherwise: a short command's default, or an action's that may take long, such as a switchover
   * that waits for a pull.
   */
  ApiClient client(Duration commandDefault) {
    Duration requestTimeout = requestTimeout(commandDefault);
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
          // A connection is made (or not) as fast for a long action as for a short one.
          requestTimeout(REQUEST_TIMEOUT),
          requestTimeout,
          trust);
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage(e.getMessage() + "; pass --api http://HOST:PORT");
    } catch (IllegalStateException e) {
      // The node's own certificate, which the CLI trusts, is missing or unreadable.
      throw CliFailure.failed(e.getMessage());
    }
  }

  /** {@code --timeout} if given, else {@code commandDefault}. */
  Duration requestTimeout(Duration commandDefault) {
    if (timeout == null) {
      return commandDefault;
    }
    Duration given;
    try {
      given = DurationText.parse(timeout);
    } catch (ConfigValueException e) {
      throw CliFailure.usage("--timeout " + e.getMessage());
    }
    if (given.isZero() || given.isNegative()) {
      throw CliFailure.usage("--timeout must be longer than 0s");
    }
    return given;
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
    java.util.Optional<Duration> timedOut =
        e instanceof ApiUnreachableException
            ? ((ApiUnreachableException) e).timedOutAfter()
            : java.util.Optional.empty();
    if (timedOut.isPresent()) {
      return CliFailure.failed(
          "zferryd at "
              + e.uri()
              + " accepted the connection but did not answer within "
              + DurationText.format(timedOut.get())
              + "; it may be busy (a small or loaded node) or hung: try again with a longer"
              + " --timeout, and see journalctl -u zferryd");
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
    return ApiClient.url(config.api().tls().isPresent(), config.api().localAddress(), port);
  }

  private static String thisHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
