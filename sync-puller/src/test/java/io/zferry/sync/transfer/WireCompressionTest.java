package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.zfs.DatasetName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The choice of wire compression per stream: pure logic on a clock that tests move. */
class WireCompressionTest {
  private static final DatasetName DATA = DatasetName.of("tank/data");
  private static final long MIB = 1024 * 1024;
  private final StepClock clock = new StepClock();

  private WireCompression auto() {
    return new WireCompression(WireCompression.Mode.AUTO, true, clock);
  }

  private static Optional<WireCompression.SourceFacts> zfsSays(String compression, String ratio) {
    return Optional.of(WireCompression.SourceFacts.of(compression, Optional.of(ratio)));
  }

  @Test
  void offNeverCompressesAndZstdAlwaysDoes() {
    WireCompression off = new WireCompression(WireCompression.Mode.OFF, true, clock);
    WireCompression zstd = new WireCompression(WireCompression.Mode.ZSTD, true, clock);

    assertThat(off.choose(DATA, false, false, Optional.empty()).codec()).isEmpty();
    assertThat(off.wantsFacts(DATA, false)).isFalse();
    assertThat(zstd.choose(DATA, true, true, zfsSays("lz4", "1.00x")).codec())
        .contains(WireCodec.ZSTD);
    assertThat(zstd.wantsFacts(DATA, false)).isFalse();
  }

  @Test
  void withoutTheDecoderHereEveryStreamIsPlain() {
    WireCompression noZstd = new WireCompression(WireCompression.Mode.ZSTD, false, clock);

    WireCompression.Choice choice = noZstd.choose(DATA, false, false, Optional.empty());

    assertThat(choice.codec()).isEmpty();
    assertThat(choice.why()).contains("/usr/bin/zstd is not installed here");
  }

  @Test
  void autoFollowsWhatZfsSaysOfTheData() {
    WireCompression auto = auto();

    assertThat(auto.wantsFacts(DATA, false)).isTrue();
    assertThat(auto.wantsFacts(DATA, true)).as("a raw send needs no facts").isFalse();
    assertThat(auto.choose(DATA, true, false, Optional.empty()).why())
        .isEqualTo("encrypted blocks do not compress");
    WireCompression.Choice incompressible =
        auto.choose(DATA, false, false, zfsSays("lz4", "1.01x"));
    assertThat(incompressible.codec()).isEmpty();
    assertThat(incompressible.why()).contains("1.01x: incompressible");
    assertThat(auto.choose(DATA, false, false, zfsSays("lz4", "2.50x")).codec())
        .contains(WireCodec.ZSTD);
    assertThat(auto.choose(DATA, false, true, zfsSays("lz4", "2.50x")).why())
        .isEqualTo("the send carries ZFS's compressed blocks");
    // Without ZFS compression its ratio says nothing: compressed, to measure.
    assertThat(auto.choose(DATA, false, true, zfsSays("off", "1.00")).codec())
        .contains(WireCodec.ZSTD);
    assertThat(auto.choose(DATA, false, false, Optional.empty()).codec()).contains(WireCodec.ZSTD);
  }

  @Test
  void aMeasuredRatioDecidesForAnHourThenTheDataIsLookedAtAgain() {
    WireCompression auto = auto();
    auto.learn(DATA, new TransferResult(100 * MIB, Duration.ofSeconds(1), 99 * MIB), true);

    assertThat(auto.wantsFacts(DATA, false)).isFalse();
    WireCompression.Choice choice = auto.choose(DATA, false, false, Optional.empty());
    assertThat(choice.codec()).isEmpty();
    assertThat(choice.why()).isEqualTo("its last stream shrank only to 0.99 on the wire");

    auto.learn(DATA, new TransferResult(100 * MIB, Duration.ofSeconds(1), 30 * MIB), true);
    assertThat(auto.choose(DATA, false, false, zfsSays("lz4", "1.00")).codec())
        .as("what was measured beats what ZFS says")
        .contains(WireCodec.ZSTD);

    clock.advance(Duration.ofMinutes(61));
    assertThat(auto.wantsFacts(DATA, false)).isTrue();
  }

  @Test
  void aSmallStreamTeachesNoRatioButMakesTheNextStreamPlainUntilALargeOneComes() {
    WireCompression auto = auto();
    auto.learn(DATA, new TransferResult(20_000, Duration.ofSeconds(1), 9_000), true);

    assertThat(auto.wantsFacts(DATA, false)).as("nothing to ask ZFS for a small stream").isFalse();
    WireCompression.Choice afterSmall = auto.choose(DATA, false, false, zfsSays("lz4", "3.00x"));
    assertThat(afterSmall.codec()).isEmpty();
    assertThat(afterSmall.why())
        .isEqualTo("its last stream was only 20.0 kB: not worth compressing");
    assertThat(auto.choose(DATA.child("other"), false, false, Optional.empty()).codec())
        .as("per dataset")
        .contains(WireCodec.ZSTD);

    // A large plain stream says nothing of the ratio: the data is looked at again.
    auto.learn(DATA, new TransferResult(50 * MIB, Duration.ofSeconds(1)), false);
    assertThat(auto.wantsFacts(DATA, false)).isTrue();
    assertThat(auto.choose(DATA, false, false, zfsSays("lz4", "3.00x")).codec())
        .contains(WireCodec.ZSTD);

    auto.learn(DATA, new TransferResult(4_000, Duration.ofSeconds(1)), false);
    clock.advance(Duration.ofMinutes(61));
    assertThat(auto.wantsFacts(DATA, false)).as("an hour later, looked at again").isTrue();
  }

  @Test
  void aPeerThatRefusesGetsPlainSendsForTenMinutes() {
    WireCompression auto = auto();
    TransferFailedException refused =
        senderFailed(
            77,
            "zferry serve: refused 'zferry-zstd' 'zfs' 'send' 'tank@a': only 'zfs' may run, not"
                + " 'zferry-zstd'");

    assertThat(auto.peerRefused(refused)).isTrue();
    assertThat(auto.choose(DATA, false, false, Optional.empty()).why())
        .isEqualTo("the peer cannot compress");
    assertThat(auto.wantsFacts(DATA, false)).isFalse();

    clock.advance(Duration.ofMinutes(11));
    assertThat(auto.choose(DATA, false, false, Optional.empty()).codec()).contains(WireCodec.ZSTD);
  }

  @Test
  void aSendThatFailedForAnotherReasonIsNoRefusal() {
    WireCompression auto = auto();

    assertThat(auto.peerRefused(senderFailed(1, "cannot open 'tank@a': dataset does not exist")))
        .isFalse();
    assertThat(
            auto.peerRefused(
                senderFailed(77, "zferry serve: refused 'zfs' 'destroy': not an operation")))
        .isFalse();
    assertThat(auto.choose(DATA, false, false, Optional.empty()).codec()).contains(WireCodec.ZSTD);
  }

  @Test
  void factsAndModesAreParsedFromWhatZfsAndOperatorsWrite() {
    assertThat(WireCompression.SourceFacts.of("lz4", Optional.of("1.52x")).compressRatio())
        .hasValue(1.52);
    assertThat(WireCompression.SourceFacts.of("on", Optional.of("2.00")).compressRatio())
        .hasValue(2.0);
    assertThat(WireCompression.SourceFacts.of("off", Optional.of("-")).compressRatio()).isEmpty();
    assertThat(WireCompression.Mode.parse("Auto")).isEqualTo(WireCompression.Mode.AUTO);
    assertThatThrownBy(() -> WireCompression.Mode.parse("lz4"))
        .hasMessage("'lz4' is not auto, zstd or off");
  }

  private static TransferFailedException senderFailed(int exit, String stderr) {
    Command send = Command.of("zferry-zstd", "zfs", "send", "tank@a");
    return new TransferFailedException(
        TransferFailedException.Side.SENDER,
        new CommandResult("node-a", send, exit, "", stderr),
        null,
        new CommandResult("node-b", Command.of("zfs", "receive", "tank"), 1, "", ""),
        0);
  }

  /** A clock that stands still until a test moves it. */
  private static final class StepClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T12:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
