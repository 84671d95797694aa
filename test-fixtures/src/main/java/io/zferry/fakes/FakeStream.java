package io.zferry.fakes;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte format of a {@link FakeZfs} send stream: a sequence of substreams, one per snapshot (a
 * {@code -I} stream carries each intermediate snapshot as its own substream, as OpenZFS does). Each
 * substream is a 4-byte header length, a text header ({@code key=value} lines naming the snapshot,
 * its GUID, the incremental base, the flags, the properties and the file operations) and a body:
 * the contents of the files written, in header order. A resumed substream ({@code send -t}) carries
 * the body from the offset the interrupted receive had reached.
 */
final class FakeStream {
  private FakeStream() {}

  /** One file operation of a substream: write {@code length} bytes of the body, or delete. */
  record FileOp(boolean write, String path, int length) {}

  /** Flags a stream was made with; they travel with it so the receiver can check them. */
  record Flags(boolean raw, boolean compressed, boolean largeBlock, boolean embedded) {
    String encode() {
      return (raw ? "w" : "")
          + (compressed ? "c" : "")
          + (largeBlock ? "L" : "")
          + (embedded ? "e" : "");
    }

    static Flags decode(String text) {
      return new Flags(
          text.contains("w"), text.contains("c"), text.contains("L"), text.contains("e"));
    }
  }

  /**
   * One snapshot's worth of stream.
   *
   * @param volume whether the dataset is a volume (a stream carries its dataset's type)
   * @param fromGuid 0 for a full stream
   * @param fromName the base's name (snapshot or bookmark, after '@' or '#'), empty for a full one
   * @param properties the dataset's properties when sent with {@code -p} or raw, else empty
   * @param resumeOffset where in the body this substream starts (0 unless resumed)
   */
  record Substream(
      String dataset,
      boolean volume,
      String snapshot,
      long toGuid,
      long fromGuid,
      String fromName,
      long creationEpochSecond,
      Flags flags,
      String encryption,
      Map<String, String> properties,
      List<FileOp> ops,
      long resumeOffset) {
    long bodyLength() {
      return ops.stream().filter(FileOp::write).mapToLong(FileOp::length).sum();
    }

    Substream resumedAt(long offset) {
      return new Substream(
          dataset,
          volume,
          snapshot,
          toGuid,
          fromGuid,
          fromName,
          creationEpochSecond,
          flags,
          encryption,
          properties,
          ops,
          offset);
    }

    boolean incremental() {
      return fromGuid != 0;
    }

    byte[] header() {
      StringBuilder text = new StringBuilder();
      line(text, "dataset", dataset);
      line(text, "type", volume ? "volume" : "filesystem");
      line(text, "snapshot", snapshot);
      line(text, "toguid", Long.toUnsignedString(toGuid));
      line(text, "fromguid", Long.toUnsignedString(fromGuid));
      line(text, "fromname", fromName);
      line(text, "creation", Long.toString(creationEpochSecond));
      line(text, "flags", flags.encode());
      line(text, "encryption", encryption);
      line(text, "resumeoffset", Long.toString(resumeOffset));
      properties.forEach((k, v) -> line(text, "prop." + k, v));
      for (FileOp op : ops) {
        line(text, "op", (op.write() ? "W:" : "D:") + op.length() + ":" + encode(op.path()));
      }
      return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Substream parseHeader(byte[] header) {
      Map<String, String> fields = new LinkedHashMap<>();
      Map<String, String> properties = new LinkedHashMap<>();
      List<FileOp> ops = new ArrayList<>();
      for (String line : new String(header, StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        int eq = line.indexOf('=');
        String key = line.substring(0, eq);
        String value = decode(line.substring(eq + 1));
        if (key.startsWith("prop.")) {
          properties.put(key.substring(5), value);
        } else if (key.equals("op")) {
          String[] parts = value.split(":", 3);
          ops.add(new FileOp(parts[0].equals("W"), decode(parts[2]), Integer.parseInt(parts[1])));
        } else {
          fields.put(key, value);
        }
      }
      return new Substream(
          fields.get("dataset"),
          fields.get("type").equals("volume"),
          fields.get("snapshot"),
          Long.parseUnsignedLong(fields.get("toguid")),
          Long.parseUnsignedLong(fields.get("fromguid")),
          fields.get("fromname"),
          Long.parseLong(fields.get("creation")),
          Flags.decode(fields.get("flags")),
          fields.get("encryption"),
          properties,
          ops,
          Long.parseLong(fields.get("resumeoffset")));
    }

    private static void line(StringBuilder text, String key, String value) {
      text.append(key).append('=').append(encode(value)).append('\n');
    }
  }

  /** A substream with its (possibly partial) body, as a receiver read it. */
  record Received(Substream substream, byte[] body, boolean complete) {}

  /** What a receiver could read: complete substreams, then at most one cut short. */
  record Parsed(List<Received> substreams, boolean truncated) {}

  static byte[] write(List<Substream> substreams, List<byte[]> bodies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < substreams.size(); i++) {
      byte[] header = substreams.get(i).header();
      out.writeBytes(ByteBuffer.allocate(4).putInt(header.length).array());
      out.writeBytes(header);
      byte[] body = bodies.get(i);
      long offset = substreams.get(i).resumeOffset();
      out.write(body, (int) offset, body.length - (int) offset);
    }
    return out.toByteArray();
  }

  static Parsed read(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    List<Received> substreams = new ArrayList<>();
    while (buffer.hasRemaining()) {
      if (buffer.remaining() < 4) {
        return new Parsed(substreams, true);
      }
      int headerLength = buffer.getInt();
      if (headerLength < 0 || buffer.remaining() < headerLength) {
        return new Parsed(substreams, true);
      }
      byte[] header = new byte[headerLength];
      buffer.get(header);
      Substream substream;
      try {
        substream = Substream.parseHeader(header);
      } catch (RuntimeException e) {
        return new Parsed(substreams, true);
      }
      long wanted = substream.bodyLength() - substream.resumeOffset();
      byte[] body = new byte[(int) Math.min(wanted, buffer.remaining())];
      buffer.get(body);
      boolean complete = body.length == wanted;
      substreams.add(new Received(substream, body, complete));
      if (!complete) {
        return new Parsed(substreams, true);
      }
    }
    return new Parsed(substreams, false);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
