package io.zferry.sync.serve;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire format of a {@code zferry serve} session: one {@code zferry serve} JVM on the peer for
 * every command of a connection, instead of one JVM per command (on a small VM each costs seconds
 * of CPU, and a pull cycle sends several per dataset).
 *
 * <p>The client opens it with the command {@code zferry-session 1}. The server first writes {@link
 * #READY} and a newline, then reads requests, one line each: {@code run LINE} runs the operation
 * LINE (a command line quoted as for {@code SSH_ORIGINAL_COMMAND}) to completion with no input;
 * {@code ticket LINE} checks LINE and leaves it as a one-time ticket, which a new channel redeems
 * with the command {@code zferry-ticket ID}: the launcher script then runs that argv itself, so a
 * {@code zfs send} stream never passes through a JVM and no JVM starts for it. Every request is
 * checked by {@link ServePolicy}, as a plain command is.
 *
 * <p>Answers are frames: a kind byte, a 4-byte big-endian length, that many bytes. A run answers
 * {@link #STDOUT} frames as output arrives, then one {@link #STDERR}, then {@link #EXIT} (the exit
 * status as 4 bytes); a ticket answers {@link #TICKET} (its id); a refused request answers {@link
 * #REFUSED} (the reason) and the session goes on. The session ends when its input ends.
 */
public final class SessionProtocol {
  /** The command that opens a session, as argv. */
  public static final List<String> OPEN = List.of("zferry-session", "1");

  /** The command that redeems a ticket: {@code zferry-ticket ID}. */
  public static final String REDEEM = "zferry-ticket";

  /** The server's first line. */
  public static final String READY = "zferry-session 1 ready";

  public static final String RUN = "run ";
  public static final String TICKET_REQUEST = "ticket ";

  public static final byte STDOUT = 'o';
  public static final byte STDERR = 'e';
  public static final byte EXIT = 'x';
  public static final byte TICKET = 't';
  public static final byte REFUSED = 'r';

  /** No frame is larger: output is sent in chunks. */
  public static final int MAX_FRAME = 1024 * 1024;

  /** The longest request line: a verb and a command line. */
  public static final int MAX_REQUEST = ForcedCommandLine.MAX_LINE_LENGTH + 16;

  /** A ticket id: 32 lower-case hex digits. */
  public static boolean isTicketId(String id) {
    return id.length() == 32
        && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  /** One answer frame. */
  public record Frame(byte kind, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int exitStatus() {
      if (payload.length != 4) {
        throw new IllegalStateException("an exit frame holds 4 bytes, not " + payload.length);
      }
      return ((payload[0] & 0xff) << 24)
          | ((payload[1] & 0xff) << 16)
          | ((payload[2] & 0xff) << 8)
          | (payload[3] & 0xff);
    }
  }

  private SessionProtocol() {}

  public static void write(DataOutputStream out, byte kind, byte[] payload, int length)
      throws IOException {
    out.writeByte(kind);
    out.writeInt(length);
    out.write(payload, 0, length);
  }

  public static void writeText(DataOutputStream out, byte kind, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    write(out, kind, bytes, bytes.length);
  }

  public static void writeExit(DataOutputStream out, int status) throws IOException {
    out.writeByte(EXIT);
    out.writeInt(4);
    out.writeInt(status);
  }

  /**
   * The next frame.
   *
   * @throws EOFException if the stream ends first
   * @throws IOException on a malformed frame
   */
  public static Frame read(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    int length = in.readInt();
    if (length < 0 || length > MAX_FRAME) {
      throw new IOException("malformed session frame: length " + length);
    }
    // readFully, not readNBytes: that ends with a read of 0 bytes, which sshj's channel stream
    // answers only once more data arrives (after the next request, so never).
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(kind, payload);
  }
}
