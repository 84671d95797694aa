package io.zferry.sync.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OpenSSH sshd of this machine on 127.0.0.1 and a free port, with a generated host key, a
 * generated client key and everything else in one temporary directory. Logins are as the current
 * user (root in the lab) with that client key. For tests of the SSH transport that need a real
 * server but not the two-node lab.
 */
final class LocalSshd implements AutoCloseable {
  static final Path SSHD = Path.of("/usr/sbin/sshd");

  /** Compiled into sshd; it refuses to start without it (Debian creates it at boot of ssh). */
  private static final Path PRIVSEP_DIR = Path.of("/run/sshd");

  private final Path dir;
  private final int port;
  private final Process process;

  private LocalSshd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Whether this machine can run the server: sshd and ssh-keygen installed, running as root. */
  static boolean available() {
    return Files.isExecutable(SSHD)
        && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"))
        && "root".equals(System.getProperty("user.name"));
  }

  static LocalSshd start(Path dir) throws IOException, InterruptedException {
    if (!Files.isDirectory(PRIVSEP_DIR)) {
      Files.createDirectories(
          PRIVSEP_DIR,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
    keygen(dir.resolve("host_ed25519"), "ed25519");
    keygen(dir.resolve("client_ed25519"), "ed25519");
    Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
    int port = freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "ListenAddress 127.0.0.1",
            "Port " + port,
            "HostKey " + dir.resolve("host_ed25519"),
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UseDNS no",
            "PrintMotd no",
            "MaxSessions 30",
            "MaxStartups 30:30:60",
            "LogLevel VERBOSE",
            ""));
    Process process =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    LocalSshd sshd = new LocalSshd(dir, port, process);
    sshd.awaitListening(Duration.ofSeconds(10));
    return sshd;
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("sshd exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    close();
    throw new IOException(
        "sshd did not listen on port " + port + " within " + timeout + ":\n" + log());
  }

  int port() {
    return port;
  }

  /** The listening server's process id. */
  long pid() {
    return process.pid();
  }

  /** Process ids of the per-connection servers and the commands they run. */
  List<Long> descendants() {
    return process.descendants().map(ProcessHandle::pid).toList();
  }

  Path dir() {
    return dir;
  }

  /** The key that authorized_keys accepts. */
  Path clientKey() {
    return dir.resolve("client_ed25519");
  }

  /** The server's public host key as "type base64". */
  String hostKey() throws IOException {
    String[] fields =
        Files.readString(dir.resolve("host_ed25519.pub"), StandardCharsets.US_ASCII)
            .strip()
            .split(" ");
    return fields[0] + " " + fields[1];
  }

  /** Writes a known_hosts file with the given lines. */
  Path knownHosts(String fileName, String... lines) throws IOException {
    Path file = dir.resolve(fileName);
    Files.write(file, List.of(lines), StandardCharsets.US_ASCII);
    return file;
  }

  /** An endpoint for this server, authenticating with {@link #clientKey()}. */
  SshEndpoint endpoint(String nodeName, Path knownHosts) {
    return new SshEndpoint(
        nodeName, "127.0.0.1", port, System.getProperty("user.name"), clientKey(), knownHosts);
  }

  String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "(no sshd log: " + e.getMessage() + ")";
    }
  }

  /** Stops the listener and the per-connection children it forked. */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void keygen(Path file, String type) throws IOException, InterruptedException {
    Process keygen =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                type,
                "-N",
                "",
                "-C",
                "zferry-test",
                "-f",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keygen.waitFor() != 0) {
      throw new IOException("ssh-keygen failed for " + file + ": " + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
