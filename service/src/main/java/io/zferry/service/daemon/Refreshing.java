package io.zferry.service.daemon;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value read again at most once per period: for facts a loop wants every second that cost a ZFS
 * command to read, and change far more slowly.
 */
final class Refreshing<T> implements Supplier<T> {
  private final Supplier<T> source;
  private final long periodNanos;
  private final LongSupplier nanoTime;
  private T value;
  private long readAt;
  private boolean read;

  Refreshing(Supplier<T> source, Duration period, LongSupplier nanoTime) {
    this.source = source;
    this.periodNanos = period.toNanos();
    this.nanoTime = nanoTime;
  }

  @Override
  public synchronized T get() {
    long now = nanoTime.getAsLong();
    if (!read || now - readAt >= periodNanos) {
      value = source.get();
      readAt = now;
      read = true;
    }
    return value;
  }
}
