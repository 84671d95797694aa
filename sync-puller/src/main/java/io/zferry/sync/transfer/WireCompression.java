package io.zferry.sync.transfer;

import io.zferry.snapshot.zfs.DatasetName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a pull compresses a stream on the wire ({@code replication.wireCompression}), per dataset:
 * {@code auto} compresses what compresses. It asks ZFS first: a dataset ZFS compresses with a ratio
 * under {@value #COMPRESSES}× holds incompressible data, and a send of ZFS's compressed blocks
 * ({@code -c}) or of encrypted ones (raw) carries little zstd could shrink; a dataset without ZFS
 * compression tells nothing, so its stream is compressed and the ratio measured decides for the
 * next hour. A stream under {@value #LEARN_FROM_BYTES} bytes makes the next one of that dataset
 * plain: compressing a few kB saves nothing on the wire and costs a process on each side, which is
 * most of a small cycle's time; a large stream brings the decision back. A peer that cannot
 * compress (an older zferry, no zstd there) gets plain sends for {@link #PEER_RETRY}, and a node
 * without zstd sends plain always (said at start-up).
 */
public final class WireCompression {
  private static final Logger log = LoggerFactory.getLogger(WireCompression.class);

  /** ZFS's own compressratio from which the data counts as compressible. */
  static final double COMPRESSES = 1.10;

  /** Wire bytes per stream byte at or under which compressing pays. */
  static final double PAYS = 0.90;

  /** A stream smaller than this says too little about the data to learn from. */
  static final long LEARN_FROM_BYTES = 1024 * 1024;

  /** How long a measured ratio decides before the data is looked at again. */
  static final Duration LEARNED_FOR = Duration.ofHours(1);

  /** How long plain sends go to a peer that refused a compressed one before it is asked again. */
  static final Duration PEER_RETRY = Duration.ofMinutes(10);

  /** {@code replication.wireCompression}. */
  public enum Mode {
    /** Compress what compresses. */
    AUTO,
    /** Compress every stream. */
    ZSTD,
    /** Never compress. */
    OFF;

    public static Mode parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "zstd" -> ZSTD;
        case "off" -> OFF;
        default -> throw new IllegalArgumentException("'" + text + "' is not auto, zstd or off");
      };
    }
  }

  /**
   * What the source's ZFS says of a dataset's data.
   *
   * @param compression the {@code compression} property ({@code off}, {@code lz4}, ...)
   * @param compressRatio the {@code compressratio} property, when it could be read
   */
  public record SourceFacts(String compression, OptionalDouble compressRatio) {
    /** From {@code zfs get} values, such as {@code lz4} and {@code 1.52x} or {@code 1.52}. */
    public static SourceFacts of(String compression, Optional<String> ratio) {
      OptionalDouble parsed = OptionalDouble.empty();
      if (ratio.isPresent()) {
        String text = ratio.get().strip();
        text = text.endsWith("x") ? text.substring(0, text.length() - 1) : text;
        try {
          parsed = OptionalDouble.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
          // Unknown: decided as for a dataset ZFS does not compress.
        }
      }
      return new SourceFacts(compression.strip(), parsed);
    }
  }

  /**
   * The choice for one stream.
   *
   * @param codec the codec, or empty for a plain stream
   * @param why for the log line of the transfer
   */
  public record Choice(Optional<WireCodec> codec, String why) {
    static Choice plain(String why) {
      return new Choice(Optional.empty(), why);
    }

    static Choice zstd(String why) {
      return new Choice(Optional.of(WireCodec.ZSTD), why);
    }
  }

  /** A measured value (a wire ratio, or a small stream's size) and when it was measured. */
  private record Learned(double value, Instant at) {}

  /** Never compresses. */
  public static final WireCompression OFF = new WireCompression(Mode.OFF, false, Clock.systemUTC());

  private final Mode mode;
  private final boolean decoderInstalled;
  private final Clock clock;
  private final Map<DatasetName, Learned> learned = new ConcurrentHashMap<>();
  private final Map<DatasetName, Learned> smallLately = new ConcurrentHashMap<>();
  private volatile Instant peerRefusedUntil = Instant.MIN;

  /**
   * @param decoderInstalled whether this node has the codec's decoder ({@link
   *     WireCodec#decoderProgram()})
   */
  public WireCompression(Mode mode, boolean decoderInstalled, Clock clock) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.decoderInstalled = decoderInstalled;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Mode mode() {
    return mode;
  }

  /** Whether {@link #choose} would use facts about the dataset: ask the source only then. */
  public boolean wantsFacts(DatasetName dataset, boolean raw) {
    return mode == Mode.AUTO
        && usable()
        && !raw
        && fresh(smallLately, dataset).isEmpty()
        && fresh(learned, dataset).isEmpty();
  }

  /**
   * The codec for one send of {@code dataset}.
   *
   * @param raw a raw send (encrypted blocks)
   * @param compressedBlocks a send of ZFS's compressed blocks ({@code -c})
   * @param facts what the source says of the dataset, if {@link #wantsFacts} asked for it
   */
  public Choice choose(
      DatasetName dataset, boolean raw, boolean compressedBlocks, Optional<SourceFacts> facts) {
    switch (mode) {
      case OFF -> {
        return Choice.plain("wire compression is off");
      }
      case ZSTD, AUTO -> {}
    }
    if (!decoderInstalled) {
      return Choice.plain(WireCodec.ZSTD.decoderProgram() + " is not installed here");
    }
    if (clock.instant().isBefore(peerRefusedUntil)) {
      return Choice.plain("the peer cannot compress");
    }
    if (mode == Mode.ZSTD) {
      return Choice.zstd("wire compression is zstd");
    }
    if (raw) {
      return Choice.plain("encrypted blocks do not compress");
    }
    Optional<Learned> small = fresh(smallLately, dataset);
    if (small.isPresent()) {
      return Choice.plain(
          "its last stream was only "
              + Units.bytes((long) small.get().value())
              + ": not worth compressing");
    }
    Optional<Learned> known = fresh(learned, dataset);
    if (known.isPresent()) {
      String measured = String.format(Locale.ROOT, "%.2f", known.get().value());
      return known.get().value() <= PAYS
          ? Choice.zstd("its last stream shrank to " + measured + " on the wire")
          : Choice.plain("its last stream shrank only to " + measured + " on the wire");
    }
    if (facts.isEmpty() || facts.get().compression().equals("off")) {
      return Choice.zstd("ZFS does not compress it: measuring");
    }
    OptionalDouble ratio = facts.get().compressRatio();
    if (ratio.isPresent() && ratio.getAsDouble() < COMPRESSES) {
      return Choice.plain(
          String.format(
              Locale.ROOT, "ZFS compresses it only %.2fx: incompressible", ratio.getAsDouble()));
    }
    if (compressedBlocks) {
      return Choice.plain("the send carries ZFS's compressed blocks");
    }
    return Choice.zstd(
        ratio.isPresent()
            ? String.format(Locale.ROOT, "ZFS compresses it %.2fx", ratio.getAsDouble())
            : "ZFS compresses it");
  }

  /**
   * Learns from a stream of the dataset that went through: its size, and from a compressed one how
   * well the data compresses (a plain stream says nothing of that).
   */
  public void learn(DatasetName dataset, TransferResult result, boolean compressed) {
    if (result.bytes() < LEARN_FROM_BYTES) {
      smallLately.put(dataset, new Learned(result.bytes(), clock.instant()));
      return;
    }
    smallLately.remove(dataset);
    if (compressed) {
      learned.put(dataset, new Learned(result.wireRatio(), clock.instant()));
    }
  }

  /**
   * Whether {@code failure} is the peer refusing to compress (an older zferry serve, or no zstd
   * there); if so, plain sends go to it for {@link #PEER_RETRY}, and the caller sends plain now.
   */
  public boolean peerRefused(TransferFailedException failure) {
    String stderr = failure.stderr() == null ? "" : failure.stderr();
    boolean refused =
        failure.side() == TransferFailedException.Side.SENDER
            && PipedTransfer.neverSent(failure.exitCode())
            && (stderr.contains(WireCodec.ZSTD.remoteWord())
                || stderr.contains("wire compression is not available"));
    if (refused) {
      peerRefusedUntil = clock.instant().plus(PEER_RETRY);
      log.warn(
          "{}: the peer cannot compress streams ({}); sending plain for {}",
          failure.host(),
          stderr.strip(),
          Units.duration(PEER_RETRY));
    }
    return refused;
  }

  private boolean usable() {
    return decoderInstalled && !clock.instant().isBefore(peerRefusedUntil);
  }

  private Optional<Learned> fresh(Map<DatasetName, Learned> facts, DatasetName dataset) {
    Learned known = facts.get(dataset);
    if (known == null || !clock.instant().isBefore(known.at().plus(LEARNED_FOR))) {
      return Optional.empty();
    }
    return Optional.of(known);
  }
}
