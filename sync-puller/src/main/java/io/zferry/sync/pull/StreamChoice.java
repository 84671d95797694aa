package io.zferry.sync.pull;

import io.zferry.snapshot.zfs.Capabilities;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.Zfs;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one pull sends and receives each dataset, decided explicitly from the two hosts' {@link
 * Capabilities}: the send flags of the dataset's pair ({@link PairFlags}) and the options of the
 * passive's receive.
 */
final class StreamChoice {
  private static final Logger log = LoggerFactory.getLogger(StreamChoice.class);
  private static final PropertyName READONLY = PropertyName.of("readonly");
  private static final PropertyName ENCRYPTION = PropertyName.of("encryption");
  private static final Set<String> FLAG_CHANGES_LOGGED = ConcurrentHashMap.newKeySet();

  private final Zfs source;
  private final Zfs target;
  private final boolean rawEverywhere;

  StreamChoice(Zfs source, Zfs target, boolean rawEverywhere) {
    this.source = source;
    this.target = target;
    this.rawEverywhere = rawEverywhere;
  }

  /** The flags a new pair of {@code dataset} is bootstrapped with. */
  SendFlags forBootstrap(DatasetName dataset) {
    boolean encrypted = source.capabilities().sendRaw() && isEncrypted(source, dataset);
    return PairFlags.forBootstrap(
        dataset, source.capabilities(), target.capabilities(), encrypted, rawEverywhere);
  }

  /**
   * The flags the pair of {@code dataset} was bootstrapped with, recorded on the target. After a
   * switchover or a takeover the pair runs the other way and the record is on the source, the
   * pair's target until then: its flags still hold, since the data on both nodes came through that
   * bootstrap. A pair bootstrapped before flags were recorded keeps what zferry sent then (raw for
   * an encrypted dataset, which was never sent otherwise), recorded now. An encrypted dataset is
   * always sent raw, whatever its record says: it cannot be sent otherwise.
   */
  SendFlags ofPair(DatasetName dataset) {
    Capabilities sourceCaps = source.capabilities();
    Capabilities targetCaps = target.capabilities();
    if (!PairFlags.worthRecording(sourceCaps, targetCaps)) {
      return PairFlags.legacy(sourceCaps, targetCaps);
    }
    Optional<String> onTarget = target.getOwnProperty(dataset, PairFlags.PROPERTY);
    Optional<SendFlags> recorded =
        onTarget
            .or(() -> source.getOwnProperty(dataset, PairFlags.PROPERTY))
            .map(v -> PairFlags.decode(dataset, v));
    SendFlags flags =
        recorded.filter(SendFlags::raw).orElseGet(() -> recordedWithoutRaw(dataset, recorded));
    if (onTarget.isEmpty() || !recorded.get().equals(flags)) {
      target.setProperty(dataset, PairFlags.PROPERTY, PairFlags.encode(flags));
    }
    SendFlags wanted;
    try {
      wanted = PairFlags.forBootstrap(dataset, sourceCaps, targetCaps, flags.raw(), rawEverywhere);
    } catch (IllegalStateException e) {
      wanted = flags;
    }
    if (!wanted.equals(flags)
        && FLAG_CHANGES_LOGGED.add(dataset + " " + PairFlags.encode(wanted))) {
      log.info(
          "{}: sent with {} as bootstrapped; {} takes effect at its next bootstrap (send flags"
              + " never change between incrementals)",
          dataset,
          PairFlags.encode(flags),
          PairFlags.encode(wanted));
    }
    return flags;
  }

  /**
   * A pair recorded without raw, or not at all: raw all the same if the dataset is encrypted (it
   * cannot be sent otherwise, and its pair was bootstrapped raw). Read on the target, where the
   * puller runs: a local command, not one more over SSH per dataset.
   */
  private SendFlags recordedWithoutRaw(DatasetName dataset, Optional<SendFlags> recorded) {
    if (!isEncrypted(target, dataset)) {
      return recorded.orElseGet(
          () -> PairFlags.legacy(source.capabilities(), target.capabilities()));
    }
    SendFlags raw =
        PairFlags.forBootstrap(
            dataset, source.capabilities(), target.capabilities(), true, rawEverywhere);
    // Written by zferry before it read the source's record after roles swapped.
    recorded.ifPresent(
        wrong ->
            log.warn(
                "{}: recorded {}={} cannot send an encrypted dataset; it goes raw ({}), as it was"
                    + " bootstrapped, and that is recorded now",
                dataset,
                PairFlags.PROPERTY_NAME,
                PairFlags.encode(wrong),
                PairFlags.encode(raw)));
    return raw;
  }

  private static boolean isEncrypted(Zfs zfs, DatasetName dataset) {
    return zfs.getProperty(dataset, ENCRYPTION).filter(v -> !v.equals("off")).isPresent();
  }

  /**
   * On OpenZFS the passive is never writable, not even for a moment: a receive leaves what arrives
   * unmounted ({@code -u}) and cannot lower {@code readonly} (the pool root keeps its own {@code
   * on}, children ignore the stream's value and inherit it). zfs-fuse has neither option and keeps
   * its short window (docs/soak.md).
   */
  ReceiveSpec receiveInto(DatasetName dataset) {
    ReceiveSpec spec = ReceiveSpec.into(dataset);
    if (!receivesKeepReadOnly()) {
      return spec;
    }
    spec = spec.unmounted();
    return dataset.isPool() ? spec.setting(READONLY, "on") : spec.excluding(READONLY);
  }

  boolean receivesKeepReadOnly() {
    Capabilities caps = target.capabilities();
    return caps.receiveNoMount() && caps.receiveProperties();
  }

  /** Records on the target the flags a pair was just bootstrapped with. */
  void record(DatasetName dataset, SendFlags flags) {
    if (PairFlags.worthRecording(source.capabilities(), target.capabilities())) {
      target.setProperty(dataset, PairFlags.PROPERTY, PairFlags.encode(flags));
    }
  }
}
