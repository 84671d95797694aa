package io.zferry.sync.ssh;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.host.StandInCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on the peer with the OpenSSH client ({@code ssh}), for the bulk streams: a send's
 * bytes are decrypted by OpenSSH (AES-GCM with the CPU's AES instructions) and reach the JVM only
 * as a pipe it copies into {@code zfs recv}. In the daemon's JVM (C1 only, for start-up) sshj's
 * AES-GCM runs without those instructions: 35 MB/s at 23 CPU-s/GB in the lab where OpenSSH moves
 * 122 MB/s at 2.5 (bench/replication-throughput).
 *
 * <p>It trusts exactly the host key that zferry's own check accepted for the peer ({@code
 * pinnedKey}, from the sshj connection that {@link SshHost} verified against known_hosts): that key
 * alone is written to a private known_hosts file that OpenSSH must match, under the peer's node
 * name as {@code HostKeyAlias}. No ssh_config is read ({@code -F /dev/null}), no agent, no
 * forwarding, only this key file for authentication, and no prompt ({@code BatchMode}).
 *
 * <p>One OpenSSH connection carries the streams ({@code ControlMaster=auto}, persisting {@value
 * #CONTROL_PERSIST_SECONDS} s after the last): a stream then costs a channel, not a handshake (0.11
 * s against 0.33 s in the lab), and the master writes straight into each client's stdout, which
 * OpenSSH passes to it, so the multiplexing copies nothing. Its socket lies in a directory only
 * root can enter. If the master is gone, a client connects by itself.
 */
public final class OpenSshHost implements Host {
  private static final Logger log = LoggerFactory.getLogger(OpenSshHost.class);

  /** The OpenSSH client Debian's openssh-client installs (a dependency of the package). */
  public static final Path DEFAULT_PROGRAM = Path.of("/usr/bin/ssh");

  /**
   * Longer than the default pull interval (3 min), so every pull finds the connection open; close()
   * ends it with the daemon, and systemd's stop ends it with the unit's other processes.
   */
  static final int CONTROL_PERSIST_SECONDS = 600;

  /** ssh's own failures (connection, authentication, host key) end with this status. */
  static final int SSH_FAILED = 255;

  /**
   * Characters a path may hold to be handed to OpenSSH, which expands {@code %} and {@code ~} in
   * file options and splits {@code -o} values on blanks.
   */
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9_./@+-]*");

  private static final Duration EXIT_MASTER_TIMEOUT = Duration.ofSeconds(5);

  /** Where a daemon running as root keeps the OpenSSH client's files: only root can write /run. */
  static final Path RUNTIME_PARENT = Path.of("/run/zferry");

  private final SshEndpoint endpoint;
  private final SshSettings settings;
  private final Supplier<Optional<KnownHostsEntry>> pinnedKey;
  private final Host local;
  private final Path program;
  private final Path directory;
  private final Set<RunningCommand> started = ConcurrentHashMap.newKeySet();
  private final Object fileLock = new Object();
  private byte[] writtenKey; // guarded by fileLock

  /**
   * @param pinnedKey the host key zferry's check accepted on its latest connection to the peer;
   *     empty before the first one
   * @param local runs the {@code ssh} processes
   * @param directory a directory for the pinned key and the control socket; created here, mode
   *     0700, removed on {@link #close()}
   * @throws IllegalArgumentException if a path cannot be handed to OpenSSH as it is
   */
  public OpenSshHost(
      SshEndpoint endpoint,
      SshSettings settings,
      Supplier<Optional<KnownHostsEntry>> pinnedKey,
      Host local,
      Path program,
      Path directory) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.pinnedKey = Objects.requireNonNull(pinnedKey, "pinnedKey");
    this.local = Objects.requireNonNull(local, "local");
    this.program = requireSafe("the OpenSSH client", program);
    this.directory = requireSafe("the OpenSSH client's directory", directory);
    requireSafe("ssh.privateKey", endpoint.privateKey());
  }

  /**
   * The directory for {@code peer}'s OpenSSH files: {@code /run/zferry/ssh-PEER} where this process
   * may create it (root), the same after a restart, so a daemon that was killed leaves nothing
   * behind but that one directory (emptied at boot with /run); otherwise a fresh one under the
   * temporary directory.
   */
  public static Path runtimeDirectory(String peer) {
    Path directory = RUNTIME_PARENT.resolve("ssh-" + peer);
    try {
      Files.createDirectories(RUNTIME_PARENT);
      Files.createDirectories(directory);
      // Only root can create entries in /run, so what is there is ours; its mode is made private.
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
      return directory;
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("{} is not usable ({}); a temporary directory instead", directory, e.toString());
      return temporaryDirectory(peer);
    }
  }

  /** A fresh directory for {@code peer} under the system's temporary directory. */
  public static Path temporaryDirectory(String peer) {
    try {
      return Files.createTempDirectory(
          "zferry-ssh-" + peer + "-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the OpenSSH client", e);
    }
  }

  @Override
  public String name() {
    return endpoint.nodeName();
  }

  @Override
  public RunningCommand start(Command command) {
    LocalLaunch ssh = launch(command).orElseThrow();
    return ssh.adopt().apply(local.start(new Command(ssh.argv())));
  }

  /**
   * The {@code ssh} process for {@code command}, for a pipe into a local receive: the stream then
   * goes from OpenSSH's decryption to {@code zfs recv} without entering the JVM.
   */
  @Override
  public Optional<LocalLaunch> launch(Command command) {
    String line = RemoteArguments.commandLine(command);
    writePinnedKey();
    return Optional.of(new LocalLaunch(local.name(), argv(line), ssh -> adopt(command, ssh)));
  }

  /** {@code ssh} running {@code command}, reported as that command and ended by an abort. */
  private RunningCommand adopt(Command command, RunningCommand ssh) {
    started.removeIf(c -> !isRunning(c));
    OpenSshCommand remote = new OpenSshCommand(command, ssh);
    started.add(remote);
    return remote;
  }

  @Override
  public boolean launchesLocally() {
    return true;
  }

  /** The whole argv of {@code ssh} for one remote command line (already quoted for the peer). */
  List<String> argv(String remoteLine) {
    List<String> argv = new ArrayList<>();
    argv.add(program.toString());
    argv.add("-F");
    argv.add("/dev/null");
    argv.add("-T");
    argv.add("-x");
    argv.add("-a");
    argv.add("-i");
    argv.add(endpoint.privateKey().toString());
    option(argv, "BatchMode", "yes");
    option(argv, "IdentitiesOnly", "yes");
    option(argv, "IdentityAgent", "none");
    option(argv, "PreferredAuthentications", "publickey");
    option(argv, "StrictHostKeyChecking", "yes");
    option(argv, "UserKnownHostsFile", knownHostsFile().toString());
    option(argv, "GlobalKnownHostsFile", "/dev/null");
    option(argv, "HostKeyAlias", endpoint.nodeName());
    option(argv, "CheckHostIP", "no");
    option(argv, "UpdateHostKeys", "no");
    option(argv, "VerifyHostKeyDNS", "no");
    // AES-GCM first: with AES instructions it is the fastest OpenSSH has (lab notes).
    option(
        argv,
        "Ciphers",
        "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,"
            + "aes128-ctr,aes256-ctr");
    // ZFS streams are compressed or incompressible; zlib would only cost CPU.
    option(argv, "Compression", "no");
    option(argv, "ConnectTimeout", seconds(settings.connectTimeout()));
    option(argv, "ServerAliveInterval", seconds(settings.keepAliveInterval()));
    option(argv, "ServerAliveCountMax", Integer.toString(settings.keepAliveMaxMissed()));
    option(argv, "ControlMaster", "auto");
    option(argv, "ControlPath", controlSocket().toString());
    option(argv, "ControlPersist", Integer.toString(CONTROL_PERSIST_SECONDS));
    option(argv, "ForwardAgent", "no");
    option(argv, "ForwardX11", "no");
    option(argv, "ClearAllForwardings", "yes");
    option(argv, "PermitLocalCommand", "no");
    option(argv, "RequestTTY", "no");
    option(argv, "LogLevel", "ERROR");
    argv.add("-p");
    argv.add(Integer.toString(endpoint.port()));
    argv.add("-l");
    argv.add(endpoint.user());
    // The address is checked by SshEndpoint, and "--" ends the options in any case.
    argv.add("--");
    argv.add(endpoint.address());
    argv.add(remoteLine);
    return argv;
  }

  Path knownHostsFile() {
    return directory.resolve("known_hosts");
  }

  Path controlSocket() {
    return directory.resolve("control");
  }

  /**
   * Writes the key zferry's check accepted, under the node name; a key that changed since (the peer
   * was re-keyed and re-pinned) replaces the file atomically.
   */
  private void writePinnedKey() {
    KnownHostsEntry key =
        pinnedKey
            .get()
            .orElseThrow(
                () ->
                    new HostException(
                        name(),
                        "no host key of "
                            + name()
                            + " has been verified yet; the OpenSSH client is used only after"
                            + " zferry's own connection checked it"));
    byte[] blob = key.keyBlob();
    synchronized (fileLock) {
      if (writtenKey != null && java.util.Arrays.equals(writtenKey, blob)) {
        return;
      }
      String line =
          endpoint.nodeName()
              + " "
              + key.keyType()
              + " "
              + Base64.getEncoder().encodeToString(blob)
              + "\n";
      try {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        Path partial = directory.resolve("known_hosts.new");
        Files.writeString(partial, line, StandardCharsets.US_ASCII);
        Files.move(
            partial,
            knownHostsFile(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new HostException(
            name(), "cannot write the pinned host key for the OpenSSH client: " + e, e);
      }
      writtenKey = blob;
    }
  }

  @Override
  public int abortRunning() {
    int ended = 0;
    for (RunningCommand command : List.copyOf(started)) {
      if (isRunning(command)) {
        command.kill();
        ended++;
      }
      started.remove(command);
    }
    if (ended > 0) {
      log.warn("{}: ended {} OpenSSH stream(s) still running", name(), ended);
    }
    return ended;
  }

  /** Ends the shared connection now rather than after its idle time, and removes the directory. */
  @Override
  public void close() {
    abortRunning();
    if (Files.exists(controlSocket())) {
      List<String> exit = new ArrayList<>();
      exit.add(program.toString());
      exit.add("-F");
      exit.add("/dev/null");
      option(exit, "ControlPath", controlSocket().toString());
      exit.add("-O");
      exit.add("exit");
      exit.add("--");
      exit.add(endpoint.address());
      try {
        local.run(new Command(exit), EXIT_MASTER_TIMEOUT);
      } catch (HostException e) {
        log.debug("{}: ending the OpenSSH master: {}", name(), e.getMessage());
      }
    }
    try {
      Files.deleteIfExists(knownHostsFile());
      Files.deleteIfExists(controlSocket());
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      log.debug("{}: removing {}: {}", name(), directory, e.getMessage());
    }
  }

  private static boolean isRunning(RunningCommand command) {
    return command instanceof OpenSshCommand c && !c.ended;
  }

  private static void option(List<String> argv, String key, String value) {
    argv.add("-o");
    argv.add(key + "=" + value);
  }

  private static String seconds(Duration duration) {
    return Long.toString(Math.max(1, duration.toSeconds()));
  }

  /**
   * {@code path}, if OpenSSH takes it as written.
   *
   * @throws IllegalArgumentException naming {@code what} otherwise
   */
  public static Path requireSafe(String what, Path path) {
    Objects.requireNonNull(path, what);
    if (!SAFE_PATH.matcher(path.toString()).matches()) {
      throw new IllegalArgumentException(
          what
              + " "
              + path
              + " cannot be handed to the OpenSSH client (it expands '%' and '~' and splits on"
              + " blanks): use an absolute path of letters, digits and _ . / @ + -, or set"
              + " ssh.streamClient: sshj");
    }
    return path;
  }

  /** One remote command through {@code ssh}: says when it was ssh that failed, not the command. */
  private final class OpenSshCommand extends StandInCommand {
    private volatile boolean ended;

    OpenSshCommand(Command remote, RunningCommand ssh) {
      super(remote, ssh);
    }

    @Override
    public String host() {
      return name();
    }

    @Override
    public CommandResult await(Duration timeout) {
      CommandResult result = super.await(timeout);
      ended = true;
      if (result.exitCode() != SSH_FAILED) {
        return result;
      }
      String stderr =
          "the OpenSSH client could not run it on "
              + endpoint.user()
              + "@"
              + endpoint.hostPort()
              + " (exit 255): "
              + result.stderr().strip()
              + "\n";
      return new CommandResult(
          name(), result.command(), result.exitCode(), result.stdout(), stderr);
    }

    @Override
    public void kill() {
      ended = true;
      delegate.kill();
    }

    @Override
    public void close() {
      ended = true;
      delegate.close();
    }
  }
}
