package io.zferry.service.cli;

import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.FileModes;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.SshConfig;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.model.NodeName;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.sync.serve.AuthorizedKey;
import io.zferry.sync.ssh.HostKeyProbe;
import io.zferry.sync.ssh.HostKeyVerdict;
import io.zferry.sync.ssh.RemoteHostException;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry setup-ssh PEER}: this node's key, its forced-command line, the peer's host key. */
@CommandLine.Command(
    name = "setup-ssh",
    mixinStandardHelpOptions = true,
    description = {
      "Bind this node to PEER over SSH: create this node's key if it is missing (ed25519, mode"
          + " 0600), print the authorized_keys line to add on PEER (forced to 'zferry serve', so"
          + " the key can only list and send snapshots), then fetch PEER's host key, show its"
          + " fingerprint and, once confirmed, pin it in the known_hosts file.",
      "A host key that differs from one already pinned is never replaced: remove the old line"
          + " yourself once you know why it changed.",
      "Run it on both nodes, each naming the other."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done (or the key was already pinned)",
      "1:the peer was not reached, its key differs from the pinned or expected one, or the"
          + " confirmation was declined",
      "2:wrong usage, or an invalid configuration"
    },
    footer = {
      "",
      "Examples:",
      "  zferry setup-ssh node-b",
      "  zferry setup-ssh node-b --expect-fingerprint SHA256:abc...   (for scripts)",
      "On PEER, compare with: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"
    })
final class SetupSshCommand implements Callable<Integer> {
  @Parameters(paramLabel = "PEER", description = "The other node's name, as in the configuration.")
  String peer;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:ZFERRY_CONFIG:-" + ApiOptions.DEFAULT_CONFIG + "}",
      description =
          "The zferry configuration: PEER's address and SSH port, this node's key and known_hosts"
              + " (default: $ZFERRY_CONFIG, else "
              + ApiOptions.DEFAULT_CONFIG
              + "). Not needed when --address is given.")
  Path config;

  @Option(names = "--address", description = "PEER's address (default: from the configuration).")
  String address;

  @Option(names = "--port", description = "PEER's SSH port (default: from the configuration, 22).")
  Integer port;

  @Option(names = "--key", paramLabel = "FILE", description = "This node's private key.")
  Path key;

  @Option(names = "--known-hosts", paramLabel = "FILE", description = "The known_hosts file.")
  Path knownHosts;

  @Option(
      names = "--serve-command",
      paramLabel = "COMMAND",
      description = "How sshd on PEER starts zferry serve (default: ${DEFAULT-VALUE}).")
  String serveCommand = AuthorizedKey.DEFAULT_SERVE_COMMAND;

  @Option(names = "--yes", description = "Pin the host key without asking.")
  boolean yes;

  @Option(
      names = "--expect-fingerprint",
      paramLabel = "SHA256:...",
      description = "Pin the host key only if it has this fingerprint; never asks.")
  String expectFingerprint;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Resolved target = resolve();
    Path publicKey = ensureKey(target.key(), out);
    String authorizedLine;
    try {
      authorizedLine =
          AuthorizedKey.line(Files.readString(publicKey, StandardCharsets.US_ASCII), serveCommand);
    } catch (IOException e) {
      throw CliFailure.failed("cannot read the public key " + publicKey + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage(e.getMessage());
    }
    out.println("1. On " + peer + ", add this line to ~root/.ssh/authorized_keys:");
    out.println();
    out.println(authorizedLine);
    out.println();
    out.flush();

    SshEndpoint endpoint =
        new SshEndpoint(
            peer, target.address(), target.port(), "root", target.key(), target.knownHosts());
    HostKeyVerdict verdict;
    try {
      verdict = HostKeyProbe.probe(endpoint, SshSettings.defaults());
    } catch (RemoteHostException e) {
      throw CliFailure.failed(e.getMessage());
    }
    out.println(
        "2. "
            + peer
            + " ("
            + endpoint.hostPort()
            + ") offers the "
            + verdict.offeredType()
            + " host key "
            + verdict.offeredFingerprint());
    out.flush();
    if (verdict instanceof HostKeyVerdict.Trusted) {
      out.println("   It is already pinned in " + target.knownHosts() + "; nothing to change.");
      return ZferryCli.OK;
    }
    if (!(verdict instanceof HostKeyVerdict.Unknown)) {
      throw CliFailure.failed(
          verdict
              .refusal(endpoint)
              .map(Throwable::getMessage)
              .orElse("the host key of " + peer + " is not acceptable"));
    }
    HostKeyVerdict.Unknown unknown = (HostKeyVerdict.Unknown) verdict;
    confirm(unknown.offeredFingerprint(), out);
    try {
      HostKeyProbe.pin(target.knownHosts(), unknown.suggestedLine());
    } catch (IOException e) {
      throw CliFailure.failed(
          "cannot write the known_hosts file " + target.knownHosts() + ": " + e.getMessage());
    }
    out.println("   Pinned in " + target.knownHosts() + " as " + peer + ".");
    out.flush();
    return ZferryCli.OK;
  }

  private void confirm(String fingerprint, PrintWriter out) {
    if (expectFingerprint != null) {
      if (!expectFingerprint.equals(fingerprint)) {
        throw CliFailure.failed(
            peer
                + " offers "
                + fingerprint
                + ", not the expected "
                + expectFingerprint
                + "; nothing was pinned. Check the fingerprint on "
                + peer
                + " (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and that you reach the"
                + " right machine.");
      }
      return;
    }
    if (yes) {
      return;
    }
    out.print(
        "   Does it match 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' on "
            + peer
            + "? [y/N] ");
    out.flush();
    String answer;
    try {
      answer =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
      throw CliFailure.failed("not confirmed; nothing was pinned");
    }
  }

  /** Creates this node's key pair with ssh-keygen if the private key is missing. */
  private Path ensureKey(Path privateKey, PrintWriter out) {
    Path publicKey = Path.of(privateKey + ".pub");
    if (Files.exists(privateKey)) {
      requirePrivate(privateKey);
      if (!Files.exists(publicKey)) {
        throw CliFailure.failed(
            "the private key "
                + privateKey
                + " has no "
                + publicKey
                + "; recreate it with: ssh-keygen -y -f "
                + privateKey
                + " > "
                + publicKey);
      }
      out.println("Using this node's key " + privateKey + ".");
      return publicKey;
    }
    try {
      Path directory = privateKey.toAbsolutePath().getParent();
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(
            directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw CliFailure.failed("cannot create the directory of " + privateKey + ": " + e);
    }
    String comment = "zferry@" + hostName();
    CommandResult keygen =
        new LocalHost("this node")
            .run(
                new Command(
                    List.of(
                        "ssh-keygen",
                        "-q",
                        "-t",
                        "ed25519",
                        "-N",
                        "",
                        "-C",
                        comment,
                        "-f",
                        privateKey.toString())),
                Duration.ofSeconds(30));
    if (!keygen.succeeded()) {
      throw CliFailure.failed(
          "ssh-keygen could not create "
              + privateKey
              + ": "
              + keygen.stderr().strip()
              + " (is openssh-client installed?)");
    }
    requirePrivate(privateKey);
    out.println("Created this node's key " + privateKey + " (ed25519, mode 0600).");
    return publicKey;
  }

  private static void requirePrivate(Path privateKey) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(privateKey);
      if (FileModes.othersHaveAccess(mode)) {
        throw CliFailure.failed(
            "the private key "
                + privateKey
                + " is readable by others (mode "
                + PosixFilePermissions.toString(mode)
                + "); make it private: chmod 600 "
                + privateKey);
      }
    } catch (IOException e) {
      throw CliFailure.failed("cannot read the mode of " + privateKey + ": " + e.getMessage());
    }
  }

  private static String hostName() {
    try {
      String name = java.net.InetAddress.getLocalHost().getHostName();
      return name.matches("[A-Za-z0-9_.-]{1,63}") ? name : "node";
    } catch (IOException e) {
      return "node";
    }
  }

  private record Resolved(String address, int port, Path key, Path knownHosts) {}

  private Resolved resolve() {
    SshConfig ssh = SshConfig.DEFAULTS;
    String peerAddress = address;
    int peerPort = port == null ? NodeConfig.DEFAULT_SSH_PORT : port;
    if (address == null || key == null || knownHosts == null) {
      ZferryConfig loaded = loadConfig();
      if (loaded != null) {
        ssh = loaded.ssh();
        if (address == null) {
          NodeConfig node;
          try {
            node = loaded.node(NodeName.of(peer));
          } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage() + "; name a node of " + config);
          }
          peerAddress = node.address();
          peerPort = port == null ? node.sshPort() : port;
        }
      } else if (address == null) {
        throw CliFailure.usage(
            "there is no configuration at "
                + config
                + " to find "
                + peer
                + "'s address in; pass --config FILE or --address ADDRESS");
      }
    }
    return new Resolved(
        peerAddress,
        peerPort,
        key != null ? key : ssh.privateKey(),
        knownHosts != null ? knownHosts : ssh.knownHosts());
  }

  private ZferryConfig loadConfig() {
    if (!Files.exists(config)) {
      return null;
    }
    try {
      return ConfigLoader.load(config);
    } catch (ConfigException e) {
      throw CliFailure.usage("the configuration " + config + " is not valid:\n" + e.getMessage());
    }
  }
}
