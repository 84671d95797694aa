package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How this node logs in to its peer to pull snapshots. The same paths apply on both nodes; each
 * node holds its own key and a known_hosts file with the peer's host key pinned under the peer's
 * node name.
 *
 * @param privateKey unencrypted private key file (the daemon runs unattended)
 * @param knownHosts OpenSSH known_hosts file; a peer whose host key is not in it is refused
 * @param user remote login name; it needs the right to run zfs on the peer
 * @param streamClient which SSH client carries the snapshot streams
 */
public record SshConfig(Path privateKey, Path knownHosts, String user, StreamClient streamClient) {
  /**
   * The client of the bulk streams. Commands and listings always go through zferry's own connection
   * (sshj), which checks the host key against known_hosts.
   */
  public enum StreamClient {
    /**
     * The OpenSSH client, pinned to the key zferry's connection verified: the bytes are decrypted
     * outside the JVM, at OpenSSH's speed.
     */
    OPENSSH("openssh"),
    /** zferry's own connection: no other program, at a JVM's speed. */
    SSHJ("sshj");

    private final String text;

    StreamClient(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    static StreamClient parse(String text) {
      for (StreamClient client : values()) {
        if (client.text.equals(text)) {
          return client;
        }
      }
      throw new IllegalArgumentException("no stream client " + text);
    }
  }

  /** The login names {@code SshEndpoint} accepts. */
  private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");

  public static final Path DEFAULT_PRIVATE_KEY = Path.of("/etc/zferry/ssh/id_ed25519");
  public static final Path DEFAULT_KNOWN_HOSTS = Path.of("/etc/zferry/ssh/known_hosts");
  public static final String DEFAULT_USER = "root";
  public static final StreamClient DEFAULT_STREAM_CLIENT = StreamClient.OPENSSH;
  public static final SshConfig DEFAULTS =
      new SshConfig(DEFAULT_PRIVATE_KEY, DEFAULT_KNOWN_HOSTS, DEFAULT_USER, DEFAULT_STREAM_CLIENT);

  public SshConfig {
    Checks.absolute("privateKey", privateKey);
    Checks.absolute("knownHosts", knownHosts);
    requireUser("user", user);
    Objects.requireNonNull(streamClient, "streamClient");
  }

  static String requireUser(String key, String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(user) + " is not a valid login name",
          "use up to 32 letters, digits, '_', '.' or '-', starting with a letter or '_'");
    }
    return user;
  }
}
