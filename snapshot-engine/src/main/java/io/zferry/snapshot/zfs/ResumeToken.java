package io.zferry.snapshot.zfs;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An OpenZFS {@code receive_resume_token}: what an interrupted {@code zfs receive -s} kept, for
 * {@code zfs send -t} to continue from. Validated before it reaches any argv: version, checksum,
 * length and payload, all hexadecimal.
 */
public record ResumeToken(String value) {
  private static final Pattern FORMAT =
      Pattern.compile("[0-9]{1,3}-[0-9a-f]{1,64}-[0-9a-f]{1,16}-[0-9a-f]{2,65536}");

  /**
   * What {@code zfs send -t} says when the token no longer fits the source: a snapshot it names was
   * destroyed or replaced, or the token itself is damaged. Such a token can never succeed; the
   * partial receive is aborted and sent afresh.
   */
  private static final List<String> STALE_MARKERS =
      List.of(
          "no longer exists",
          "no longer the same snapshot",
          "resume token is corrupt",
          "is not the same",
          "unsupported version");

  public ResumeToken {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidNameException(
          "resume token",
          value == null ? null : value.length() > 40 ? value.substring(0, 40) + "..." : value,
          "use the receive_resume_token property exactly as zfs prints it");
    }
  }

  public static boolean isStale(String sendStderr) {
    String text = sendStderr.toLowerCase(Locale.ROOT);
    return STALE_MARKERS.stream().anyMatch(text::contains);
  }

  /**
   * Whether the receiving side refused a resumed stream for good: {@code zfs receive} failed before
   * taking any of it ({@code cannot receive resume stream: ...}), not because the stream broke off
   * (a cut or killed transfer keeps its partial state and says {@code incomplete stream} or {@code
   * failed to read from stream}). OpenZFS 2.1 says {@code kernel modules must be upgraded to
   * receive this stream.} when a snapshot was taken on the target since the receive was cut.
   */
  public static boolean refusedByReceiver(String receiveStderr) {
    String text = receiveStderr.toLowerCase(Locale.ROOT);
    return text.contains("cannot receive resume stream")
        && !text.contains("incomplete stream")
        && !text.contains("partially received snapshot is saved")
        && !text.contains("failed to read from stream");
  }

  @Override
  public String toString() {
    return value;
  }
}
