package io.zferry.sync.pull;

/**
 * Whether a pool has the room to keep a copy of a dataset's data before a pull replaces it: the
 * copy's size with headroom, and a floor left free, so the copy itself cannot fill the pool.
 *
 * @param needed bytes the pool must have free for the copy
 * @param available bytes it has free
 */
public record SetAsideRoom(long needed, long available) {
  /**
   * Headroom over the dataset's referenced bytes: a copy may take a little more than its source.
   */
  static final double HEADROOM = 1.1;

  /** Left free after the copy. */
  static final long MIN_FREE = 64L * 1024 * 1024;

  /** The room a copy of a dataset that references {@code referenced} bytes needs. */
  public static SetAsideRoom forCopyOf(long referenced, long available) {
    return new SetAsideRoom((long) Math.ceil(referenced * HEADROOM) + MIN_FREE, available);
  }

  public boolean fits() {
    return available >= needed;
  }
}
