package io.zferry.sync.transfer;

/**
 * Bandwidth limiting by pacing: after each chunk, wait until the bytes done so far are "due" at the
 * limit. Pure arithmetic, so it is tested without sleeping.
 */
final class Throttle {
  /** Smallest chunk when limited, to keep system calls per second sensible. */
  static final int MIN_CHUNK = 4 * 1024;

  private Throttle() {}

  /**
   * Nanoseconds to pause so that {@code bytesDone} bytes take at least {@code bytesDone / limit}
   * seconds in total; 0 without a limit ({@code bytesPerSecond <= 0}) or when behind schedule.
   */
  static long pauseNanos(long bytesDone, long elapsedNanos, long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      return 0;
    }
    // double: bytesDone * 1e9 overflows a long beyond 9.2 GB.
    double dueNanos = bytesDone * 1e9 / bytesPerSecond;
    return Math.max(0, (long) dueNanos - elapsedNanos);
  }

  /**
   * Read size: the whole buffer without a limit; with one, about 1/16 of a second's worth so that
   * the stream is smooth (a 256 KiB burst then a long pause would look like a stall to a peer).
   */
  static int chunkSize(long bytesPerSecond, int bufferSize) {
    if (bytesPerSecond <= 0) {
      return bufferSize;
    }
    return (int) Math.max(MIN_CHUNK, Math.min(bufferSize, bytesPerSecond / 16));
  }
}
