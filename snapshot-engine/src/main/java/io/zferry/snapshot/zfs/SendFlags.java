package io.zferry.snapshot.zfs;

/**
 * Flags of {@code zfs send} that do not depend on the snapshots sent.
 *
 * @param replicate {@code -R}: the dataset tree, its snapshots and properties
 * @param properties {@code -p}: include properties (implied by -R)
 * @param compressed {@code -c}: keep on-disk compression (OpenZFS)
 * @param raw {@code -w}: send encrypted blocks as they are, the key stays behind (OpenZFS)
 * @param largeBlocks {@code -L}: blocks larger than 128 KiB stay large (OpenZFS). Must never change
 *     between the incrementals of one replication pair (OpenZFS #6224 corrupts files otherwise)
 * @param embedded {@code -e}: embedded-data blocks stay embedded (OpenZFS)
 */
public record SendFlags(
    boolean replicate,
    boolean properties,
    boolean compressed,
    boolean raw,
    boolean largeBlocks,
    boolean embedded) {
  public static final SendFlags PLAIN = new SendFlags(false, false, false, false);
  public static final SendFlags REPLICATE = new SendFlags(true, false, false, false);

  public SendFlags(boolean replicate, boolean properties, boolean compressed, boolean raw) {
    this(replicate, properties, compressed, raw, false, false);
  }

  /** Drops what the host cannot do, so callers can ask for the best and get the possible. */
  public SendFlags supportedBy(Capabilities capabilities) {
    return new SendFlags(
        replicate,
        properties,
        compressed && capabilities.sendCompressed(),
        raw && capabilities.sendRaw(),
        largeBlocks && capabilities.sendLargeBlocks(),
        embedded && capabilities.sendEmbedded());
  }

  /** These flags with {@code -w} set or cleared. */
  public SendFlags withRaw(boolean raw) {
    return new SendFlags(replicate, properties, compressed, raw, largeBlocks, embedded);
  }
}
