package io.zferry.snapshot.schedule;

import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * zferry's own snapshots are named {@code zferry-<UTC yyyyMMdd-HHmmss>}, or {@code
 * zferry-<stamp>-<n>} (n from 1 to {@value #MAX_SEQUENCE}) when a snapshot of that second exists
 * already: a second round in the same second, or the clock stepped back onto names it had used.
 * Anything else in the pool belongs to someone else and zferry never destroys it.
 */
public final class SnapshotNaming {
  public static final String PREFIX = "zferry-";
  public static final int MAX_SEQUENCE = 99;
  private static final Pattern SEQUENCE = Pattern.compile("-([1-9][0-9]?)$");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private SnapshotNaming() {}

  public static String shortNameAt(Instant instant) {
    return PREFIX + STAMP.format(instant);
  }

  /**
   * The {@code sequence}th name for the second of {@code instant}: 0 is the plain name, 1 to
   * {@value #MAX_SEQUENCE} add a suffix.
   */
  public static String shortNameAt(Instant instant, int sequence) {
    if (sequence < 0 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException(
          "snapshot name sequence " + sequence + " is out of range 0.." + MAX_SEQUENCE);
    }
    return sequence == 0 ? shortNameAt(instant) : shortNameAt(instant) + "-" + sequence;
  }

  /** The name of a rescue snapshot taken before a divergence is resolved; not a scheduled one. */
  public static String rescueNameAt(Instant instant) {
    return PREFIX + "rescue-" + STAMP.format(instant);
  }

  /** Whether the snapshot is a rescue snapshot zferry took before resolving a divergence. */
  public static boolean isRescue(SnapshotName name) {
    return name.shortName().startsWith(PREFIX + "rescue-");
  }

  public static boolean isOwn(SnapshotName name) {
    return timestampOf(name).isPresent();
  }

  /** The UTC second encoded in an own snapshot's name. */
  public static Optional<Instant> timestampOf(SnapshotName name) {
    String shortName = name.shortName();
    if (!shortName.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String stamp = SEQUENCE.matcher(shortName.substring(PREFIX.length())).replaceFirst("");
    try {
      return Optional.of(Instant.from(STAMP.parse(stamp)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
