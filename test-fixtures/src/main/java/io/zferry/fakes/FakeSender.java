package io.zferry.fakes;

import io.zferry.fakes.FakeDataset.FakeSnapshot;
import io.zferry.fakes.FakeStream.FileOp;
import io.zferry.fakes.FakeStream.Substream;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Builds the streams of a {@link FakeZfs}: {@code zfs send} and {@code zfs send -t}. */
final class FakeSender {
  private final FakeZfs zfs;

  FakeSender(FakeZfs zfs) {
    this.zfs = zfs;
  }

  /** The substreams and bodies of one send. */
  private record Stream(List<Substream> substreams, List<byte[]> bodies) {
    byte[] bytes() {
      return FakeStream.write(substreams, bodies);
    }
  }

  RunningCommand send(Command command, SendSpec spec) {
    try {
      return output(command, build(spec).bytes());
    } catch (FakeZfs.FakeError e) {
      return FakeCommand.producing(
          zfs.hostName, command, new byte[0], FakeCommand.Outcome.failed(e.getMessage()));
    }
  }

  OptionalLong size(SendSpec spec) {
    try {
      return OptionalLong.of(build(spec).bytes().length);
    } catch (FakeZfs.FakeError e) {
      return OptionalLong.empty();
    }
  }

  RunningCommand resume(Command command, ResumeToken token) {
    try {
      String[] fields =
          new String(
                  HexFormat.of()
                      .parseHex(token.value().substring(token.value().lastIndexOf('-') + 1)),
                  StandardCharsets.UTF_8)
              .split("\t", -1);
      String dataset = fields[0];
      FakeDataset source = zfs.datasets.get(io.zferry.snapshot.zfs.DatasetName.of(dataset));
      long toGuid = Long.parseUnsignedLong(fields[2]);
      long fromGuid = Long.parseUnsignedLong(fields[3]);
      long offset = Long.parseLong(fields[5]);
      FakeSnapshot to =
          source == null
              ? null
              : source.snapshot(fields[1]).filter(s -> s.guid.value() == toGuid).orElse(null);
      if (to == null) {
        throw new FakeZfs.FakeError(
            "cannot resume send: '"
                + dataset
                + "@"
                + fields[1]
                + "' used in the initial send no longer exists");
      }
      Map<String, byte[]> base = Map.of();
      if (fromGuid != 0) {
        base = baseContent(source, fromGuid, fields[4]);
      }
      FakeStream.Flags flags = FakeStream.Flags.decode(fields[6]);
      Substream substream =
          substream(source, to, fromGuid, fields[4], base, flags, !fields[7].isEmpty());
      byte[] body = body(substream, to.content);
      Stream stream = new Stream(List.of(substream.resumedAt(offset)), List.of(body));
      return output(command, stream.bytes());
    } catch (FakeZfs.FakeError e) {
      return FakeCommand.producing(
          zfs.hostName, command, new byte[0], new FakeCommand.Outcome(255, e.getMessage()));
    }
  }

  /** The token a receive keeps when {@code substream} was cut after {@code offset} body bytes. */
  static String token(Substream substream, long offset) {
    String payload =
        String.join(
            "\t",
            substream.dataset(),
            substream.snapshot(),
            Long.toUnsignedString(substream.toGuid()),
            Long.toUnsignedString(substream.fromGuid()),
            substream.fromName(),
            Long.toString(offset),
            substream.flags().encode(),
            substream.properties().isEmpty() ? "" : "p");
    String hex = HexFormat.of().formatHex(payload.getBytes(StandardCharsets.UTF_8));
    return "1-"
        + Integer.toHexString(hex.hashCode())
        + "-"
        + Integer.toHexString(hex.length())
        + "-"
        + hex;
  }

  private RunningCommand output(Command command, byte[] bytes) {
    long cut = zfs.faults.takeSendCut();
    if (cut >= bytes.length) {
      zfs.faults.cutNextSendAfter(cut); // too short to be cut: the next one is
    }
    if (cut >= 0 && cut < bytes.length) {
      return FakeCommand.producing(
          zfs.hostName,
          command,
          Arrays.copyOf(bytes, (int) cut),
          new FakeCommand.Outcome(255, "Connection to the peer lost after " + cut + " bytes"));
    }
    return FakeCommand.producing(zfs.hostName, command, bytes, FakeCommand.Outcome.OK);
  }

  private Stream build(SendSpec spec) {
    FakeDataset source = zfs.datasets.get(spec.to().dataset());
    FakeSnapshot to = source == null ? null : source.snapshot(spec.to().shortName()).orElse(null);
    if (to == null) {
      throw new FakeZfs.FakeError("cannot open '" + spec.to() + "': dataset does not exist");
    }
    if (spec.flags().replicate()) {
      throw new UnsupportedOperationException("FakeZfs does not model zfs send -R");
    }
    boolean raw = spec.flags().raw();
    boolean properties = spec.flags().properties() || raw;
    if (!source.encryption.equals("off") && !raw) {
      if (spec.flags().properties()) {
        throw new FakeZfs.FakeError(
            "encrypted dataset "
                + source.name
                + " may not be sent with properties without the raw flag");
      }
      if (!source.keyLoaded) {
        throw new FakeZfs.FakeError("cannot send " + spec.to() + ": encryption key not loaded");
      }
    }
    FakeStream.Flags flags =
        new FakeStream.Flags(
            raw, spec.flags().compressed(), spec.flags().largeBlocks(), spec.flags().embedded());
    List<Substream> substreams = new ArrayList<>();
    List<byte[]> bodies = new ArrayList<>();
    if (spec instanceof SendSpec.Full) {
      Substream s = substream(source, to, 0, "", Map.of(), flags, properties);
      substreams.add(s);
      bodies.add(body(s, to.content));
    } else if (spec instanceof SendSpec.FromBookmark fromBookmark) {
      FakeDataset.FakeBookmark from =
          source.bookmarks.stream()
              .filter(b -> b.shortName().equals(fromBookmark.from().shortName()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new FakeZfs.FakeError(
                          "incremental source (" + fromBookmark.from() + ") does not exist"));
      if (from.createTxg() >= to.createTxg) {
        throw new FakeZfs.FakeError(
            "cannot send: incremental source "
                + fromBookmark.from()
                + " is not earlier than "
                + spec.to());
      }
      Substream s =
          substream(
              source,
              to,
              from.guid().value(),
              "#" + from.shortName(),
              from.content(),
              flags,
              properties);
      substreams.add(s);
      bodies.add(body(s, to.content));
    } else {
      SendSpec.Incremental incremental = (SendSpec.Incremental) spec;
      FakeSnapshot from =
          source
              .snapshot(incremental.from().shortName())
              .orElseThrow(
                  () ->
                      new FakeZfs.FakeError(
                          "incremental source (" + incremental.from() + ") does not exist"));
      int fromIndex = source.snapshots.indexOf(from);
      int toIndex = source.snapshots.indexOf(to);
      if (fromIndex >= toIndex) {
        throw new FakeZfs.FakeError(
            "cannot send: incremental source "
                + incremental.from()
                + " is not earlier than "
                + spec.to());
      }
      List<FakeSnapshot> chain =
          incremental.intermediates()
              ? source.snapshots.subList(fromIndex + 1, toIndex + 1)
              : List.of(to);
      FakeSnapshot previous = from;
      for (FakeSnapshot next : chain) {
        Substream s =
            substream(
                source,
                next,
                previous.guid.value(),
                previous.shortName,
                previous.content,
                flags,
                properties);
        substreams.add(s);
        bodies.add(body(s, next.content));
        previous = next;
      }
    }
    return new Stream(substreams, bodies);
  }

  private Map<String, byte[]> baseContent(FakeDataset source, long fromGuid, String fromName) {
    return source
        .snapshotByGuid(fromGuid)
        .map(s -> s.content)
        .or(
            () ->
                source.bookmarks.stream()
                    .filter(b -> b.guid().value() == fromGuid)
                    .findFirst()
                    .map(FakeDataset.FakeBookmark::content))
        .orElseThrow(
            () ->
                new FakeZfs.FakeError(
                    "cannot resume send: '"
                        + source.name
                        + "@"
                        + fromName
                        + "' used in the initial send no longer exists"));
  }

  private Substream substream(
      FakeDataset source,
      FakeSnapshot to,
      long fromGuid,
      String fromName,
      Map<String, byte[]> base,
      FakeStream.Flags flags,
      boolean withProperties) {
    List<FileOp> ops = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : to.content.entrySet()) {
      byte[] before = base.get(entry.getKey());
      if (before == null || !Arrays.equals(before, entry.getValue())) {
        ops.add(new FileOp(true, entry.getKey(), entry.getValue().length));
      }
    }
    base.keySet().stream()
        .filter(p -> !to.content.containsKey(p))
        .forEach(p -> ops.add(new FileOp(false, p, 0)));
    Map<String, String> properties = new LinkedHashMap<>();
    if (withProperties) {
      java.util.Set<String> names = new java.util.TreeSet<>(source.local.keySet());
      names.addAll(source.received.keySet());
      for (String name : names) {
        String value = zfs.properties().effective(source, name);
        if (!value.equals("-")) {
          properties.put(name, value);
        }
      }
    }
    return new Substream(
        source.name.value(),
        source.volume,
        to.shortName,
        to.guid.value(),
        fromGuid,
        fromName,
        to.creation.getEpochSecond(),
        flags,
        flags.raw() ? source.encryption : "off",
        properties,
        ops,
        0);
  }

  private static byte[] body(Substream substream, Map<String, byte[]> content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (FileOp op : substream.ops()) {
      if (op.write()) {
        out.writeBytes(content.get(op.path()));
      }
    }
    return out.toByteArray();
  }
}
