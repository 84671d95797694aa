package io.zferry.service;

import io.zferry.lockstate.OpenMode;
import io.zferry.lockstate.SqliteStateStore;
import io.zferry.lockstate.StateStore;
import io.zferry.lockstate.StateStoreException;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.daemon.NodeDaemon;
import io.zferry.service.model.NodeName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The zferry daemon. Only start-up errors stop it; each loop catches its own failures. */
@Command(
    name = "zferryd",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Keeps ZFS pools highly available on two shared-nothing nodes.")
public final class Zferryd implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Zferryd.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path configFile = Path.of("/etc/zferry/zferry.yaml");

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "This node's name in the configuration (default: the host name).")
  String node;

  @Option(
      names = "--check-config",
      description = "Validate the configuration and this node's place in it, then exit.")
  boolean checkOnly;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Zferryd()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ZferryConfig config;
    NodeName self;
    ApiTokens tokens;
    StateStore store;
    try {
      config = ConfigLoader.load(configFile);
      self = new NodeName(node != null ? node : hostName());
      config.node(self);
      // Before anything else starts: an API nobody can authenticate to is not worth running.
      tokens = TokenFile.read(config.api().tokensFile());
      if (checkOnly) {
        System.out.println(
            configFile
                + ": valid for node "
                + self.value()
                + "; "
                + config.api().tokensFile()
                + ": "
                + tokens.size()
                + " API token(s)");
        return 0;
      }
      store =
          SqliteStateStore.open(
              config.state().database(), OpenMode.CREATE_IF_MISSING, Clock.systemUTC());
    } catch (ConfigException
        | TokenFileException
        | StateStoreException
        | IllegalArgumentException e) {
      System.err.println("zferryd: " + e.getMessage());
      return 1;
    }
    log.info(
        "API tokens from {}: {}", config.api().tokensFile(), String.join(", ", tokens.labels()));
    NodeDaemon daemon = new NodeDaemon(config, self, store, tokens, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  daemon.close();
                  store.close();
                  stopped.countDown();
                },
                "shutdown"));
    daemon.start();
    stopped.await();
    return 0;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot tell this node's name; pass --node NAME", e);
    }
  }
}
