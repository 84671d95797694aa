package io.zferry.snapshot.zfs;

/**
 * Flags of {@code zfs send} that do not depend on the snapshots sent.
 *
 * @param replicate {@code -R}: the dataset tree, its snapshots and properties
 * @param properties {@code -p}: include properties (implied by -R)
 * @param compressed {@code -c}: keep on-disk compression (OpenZFS)
 * @param raw {@code -w}: send encrypted blocks as they are (OpenZFS)
 */
public record SendFlags(boolean replicate, boolean properties, boolean compressed, boolean raw) {
  public static final SendFlags PLAIN = new SendFlags(false, false, false, false);
  public static final SendFlags REPLICATE = new SendFlags(true, false, false, false);

  /** Drops what the host cannot do, so callers can ask for the best and get the possible. */
  public SendFlags supportedBy(Capabilities capabilities) {
    return new SendFlags(
        replicate,
        properties,
        compressed && capabilities.sendCompressed(),
        raw && capabilities.sendRaw());
  }
}
