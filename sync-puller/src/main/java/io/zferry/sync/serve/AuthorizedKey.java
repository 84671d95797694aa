package io.zferry.sync.serve;

import io.zferry.sync.ssh.SshKeys;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code authorized_keys} line that lets a peer's key run {@code zferry serve} and nothing
 * else: {@code command="..."} forces the command whatever the client asks for, and {@code restrict}
 * turns off port, agent and X11 forwarding, the pty and {@code ~/.ssh/rc} (and anything a later
 * OpenSSH adds to it).
 */
public final class AuthorizedKey {
  public static final String DEFAULT_SERVE_COMMAND = "/usr/bin/zferry serve";

  /** An absolute program path and plain options: nothing sshd's option parser or a shell reads. */
  private static final Pattern SERVE_COMMAND =
      Pattern.compile("/[A-Za-z0-9_./-]+( [A-Za-z0-9_./=-]+)*");

  private static final Pattern COMMENT = Pattern.compile("[A-Za-z0-9_.@:+=-]{0,100}");

  private AuthorizedKey() {}

  /**
   * @param publicKeyLine the content of a {@code .pub} file: {@code type base64 [comment]}
   * @param serveCommand how sshd starts {@code zferry serve} on the peer
   * @throws IllegalArgumentException naming what is wrong with either
   */
  public static String line(String publicKeyLine, String serveCommand) {
    if (serveCommand == null || !SERVE_COMMAND.matcher(serveCommand).matches()) {
      throw new IllegalArgumentException(
          "the serve command "
              + ZferryServe.printable(serveCommand)
              + " must be an absolute path followed by plain words, such as "
              + DEFAULT_SERVE_COMMAND);
    }
    String[] fields = publicKeyLine == null ? new String[0] : publicKeyLine.strip().split(" ");
    if (fields.length < 2 || fields.length > 3) {
      throw new IllegalArgumentException(
          "a public key must read 'TYPE BASE64 [COMMENT]' on one line");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(fields[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the public key is not valid base64");
    }
    Optional<String> type = SshKeys.typeOf(blob);
    if (type.isEmpty() || !type.get().equals(fields[0])) {
      throw new IllegalArgumentException(
          "the public key holds a " + type.orElse("malformed") + " key, not " + fields[0]);
    }
    String comment = fields.length == 3 ? fields[2] : "";
    if (!COMMENT.matcher(comment).matches()) {
      comment = "";
    }
    String line = "command=\"" + serveCommand + "\",restrict " + fields[0] + " " + fields[1];
    return comment.isEmpty() ? line : line + " " + comment;
  }
}
