package io.zferry.snapshot.zfs;

/**
 * A ZFS GUID: an unsigned 64-bit number that identifies a snapshot across pools. Names can be
 * reused or renamed; the GUID of a received snapshot equals its source's.
 */
public record Guid(long value) {
  public static Guid parse(String text) {
    try {
      return new Guid(Long.parseUnsignedLong(text.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a ZFS GUID: "
              + ZfsNames.printable(text)
              + " (an exact unsigned 64-bit number is needed)",
          e);
    }
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(value);
  }
}
