package io.zferry.sync.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SSHRuntimeException;

/**
 * Asks a peer's sshd for its host key (the key exchange only: no authentication, no command) and
 * judges it against the endpoint's known_hosts, for {@code zferry setup-ssh}; and pins a key by
 * appending a known_hosts line. Never replaces or removes a line: a changed key is for the operator
 * to resolve.
 */
public final class HostKeyProbe {
  static {
    SshjSetup.ensureConfigured();
  }

  private HostKeyProbe() {}

  /**
   * Connects to {@code endpoint} long enough to see its host key.
   *
   * @return what known_hosts says about the offered key
   * @throws RemoteHostException if the peer's sshd cannot be reached
   */
  public static HostKeyVerdict probe(SshEndpoint endpoint, SshSettings settings) {
    PinnedHostKeyVerifier verifier = PinnedHostKeyVerifier.load(endpoint);
    // An unknown peer: offer ed25519 first, the type zferry's own keys have.
    java.util.Set<String> preferred =
        verifier.pinnedKeyTypes().isEmpty()
            ? java.util.Set.of("ssh-ed25519")
            : verifier.pinnedKeyTypes();
    SSHClient ssh = new SSHClient(SshjSetup.config(preferred, settings));
    ssh.setConnectTimeout((int) settings.connectTimeout().toMillis());
    ssh.getTransport().setTimeoutMs((int) settings.operationTimeout().toMillis());
    ssh.addHostKeyVerifier(verifier);
    try {
      ssh.connect(endpoint.address(), endpoint.port());
    } catch (IOException | SSHRuntimeException e) {
      Optional<HostKeyVerdict> verdict = verifier.lastVerdict();
      if (verdict.isPresent()) {
        return verdict.get();
      }
      throw new RemoteHostException(
          endpoint,
          "cannot reach sshd at "
              + endpoint.hostPort()
              + ": "
              + SshHost.describe(e)
              + "; check the address and port, and that sshd runs on "
              + endpoint.nodeName(),
          e);
    } finally {
      try {
        ssh.disconnect();
      } catch (IOException | RuntimeException ignored) {
        // Only the key exchange happened; nothing to release on the peer.
      }
    }
    return verifier
        .lastVerdict()
        .orElseThrow(() -> new IllegalStateException("connected without a host key check"));
  }

  /**
   * Appends {@code line} to {@code knownHosts}, creating the file with mode 0644 (host keys are
   * public) and its directory with mode 0700 if they are missing. An existing file keeps its mode.
   */
  public static void pin(Path knownHosts, String line) throws IOException {
    if (line.contains("\n") || line.contains("\r")) {
      throw new IllegalArgumentException("a known_hosts line must be one line");
    }
    Path directory = knownHosts.toAbsolutePath().getParent();
    if (directory != null && !Files.isDirectory(directory)) {
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    try {
      Files.createFile(
          knownHosts,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    } catch (FileAlreadyExistsException existing) {
      // Appended to below, mode unchanged.
    }
    boolean needsNewline = Files.size(knownHosts) > 0 && !endsWithNewline(knownHosts);
    try (OutputStream out = Files.newOutputStream(knownHosts, StandardOpenOption.APPEND)) {
      out.write(((needsNewline ? "\n" : "") + line + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (var channel = Files.newByteChannel(file)) {
      channel.position(channel.size() - 1);
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      channel.read(last);
      return last.get(0) == '\n';
    }
  }
}
