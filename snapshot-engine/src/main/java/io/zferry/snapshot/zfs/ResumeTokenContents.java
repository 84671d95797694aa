package io.zferry.snapshot.zfs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What a {@link ResumeToken} names: the snapshot {@code zfs send -t} would send. A token is {@code
 * VERSION-CHECKSUM-LENGTH-PAYLOAD}, the payload a zlib-compressed nvlist packed in the sending
 * host's native encoding ({@code fnvlist_pack} in OpenZFS's {@code dsl_dataset.c}), with {@code
 * toname} among its pairs. {@code zfs send -t} trusts the token, so a server that may only send
 * some pools reads the name here before it runs one (OpenZFS issue 14153).
 */
public final class ResumeTokenContents {
  /** Far above any real token's nvlist (a few hundred bytes), and what {@code zfs} also bounds. */
  static final int MAX_PACKED_BYTES = 64 * 1024;

  private static final int NV_ENCODE_NATIVE = 0;
  private static final int DATA_TYPE_STRING = 9;
  private static final String TO_NAME = "toname";

  private ResumeTokenContents() {}

  /**
   * @throws InvalidNameException if the token cannot be read or names no valid snapshot
   */
  public static SnapshotName toName(ResumeToken token) {
    String[] parts = token.value().split("-", 4);
    try {
      int declared = Integer.parseInt(parts[2], 16);
      if (declared <= 0 || declared > MAX_PACKED_BYTES) {
        throw unreadable(token, "a payload of " + declared + " bytes");
      }
      byte[] packed = inflate(HexFormat.of().parseHex(parts[3]), declared);
      return SnapshotName.parse(stringPair(packed, TO_NAME));
    } catch (NumberFormatException | DataFormatException | IndexOutOfBoundsException e) {
      throw unreadable(token, e.getClass().getSimpleName());
    } catch (IllegalArgumentException e) {
      if (e instanceof InvalidNameException invalid) {
        throw invalid;
      }
      throw unreadable(token, e.getMessage());
    }
  }

  private static byte[] inflate(byte[] compressed, int declared) throws DataFormatException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared);
      byte[] buffer = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("truncated");
        }
        out.write(buffer, 0, n);
        if (out.size() > declared) {
          throw new DataFormatException("longer than declared");
        }
      }
      if (out.size() != declared) {
        throw new DataFormatException("shorter than declared");
      }
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }

  /**
   * The value of the string pair {@code name} of a natively packed nvlist: a 4-byte header
   * (encoding, endianness), the list's version and flags, then pairs of {@code size (int32),
   * name_sz (int16), reserved (int16), elements (int32), type (int32), name (NUL-terminated, padded
   * to 8), value}, ended by a size of 0.
   */
  static String stringPair(byte[] packed, String name) {
    if (packed.length < 12 || packed[0] != NV_ENCODE_NATIVE) {
      throw new IllegalArgumentException("not a natively packed nvlist");
    }
    ByteBuffer in =
        ByteBuffer.wrap(packed)
            .order(packed[1] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int at = 12;
    while (true) {
      int size = in.getInt(at);
      if (size == 0) {
        throw new IllegalArgumentException("no " + name + " in the token");
      }
      if (size < 16 || at + size > packed.length) {
        throw new IllegalArgumentException("a damaged pair");
      }
      int nameSize = in.getShort(at + 4);
      int type = in.getInt(at + 12);
      int nameEnd = at + 16 + nameSize - 1;
      if (nameSize < 1 || nameEnd >= at + size) {
        throw new IllegalArgumentException("a damaged pair name");
      }
      String pairName = new String(packed, at + 16, nameSize - 1, StandardCharsets.UTF_8);
      if (pairName.equals(name)) {
        if (type != DATA_TYPE_STRING) {
          throw new IllegalArgumentException(name + " is not a string");
        }
        int value = at + 16 + ((nameSize + 7) / 8) * 8;
        int end = value;
        while (end < at + size && packed[end] != 0) {
          end++;
        }
        if (end >= at + size) {
          throw new IllegalArgumentException(name + " is not terminated");
        }
        return new String(packed, value, end - value, StandardCharsets.UTF_8);
      }
      at += size;
    }
  }

  private static InvalidNameException unreadable(ResumeToken token, String why) {
    String value = token.value();
    return new InvalidNameException(
        "resume token",
        value.length() > 40 ? value.substring(0, 40) + "..." : value,
        "a token zfs wrote names the snapshot it resumes; this one cannot be read (" + why + ")");
  }
}
