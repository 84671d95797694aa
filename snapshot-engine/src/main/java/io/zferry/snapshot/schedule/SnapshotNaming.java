package io.zferry.snapshot.schedule;

import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * zferry's own snapshots are named {@code zferry-<UTC yyyyMMdd-HHmmss>}; anything else in the pool
 * belongs to someone else and zferry never destroys it.
 */
public final class SnapshotNaming {
  public static final String PREFIX = "zferry-";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private SnapshotNaming() {}

  public static String shortNameAt(Instant instant) {
    return PREFIX + STAMP.format(instant);
  }

  /** The name of a rescue snapshot taken before a divergence is resolved; not a scheduled one. */
  public static String rescueNameAt(Instant instant) {
    return PREFIX + "rescue-" + STAMP.format(instant);
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
    try {
      return Optional.of(Instant.from(STAMP.parse(shortName.substring(PREFIX.length()))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
