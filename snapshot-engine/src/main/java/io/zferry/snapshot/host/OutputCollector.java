package io.zferry.snapshot.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Drains a process stream on a daemon thread so that the process never blocks on a full pipe.
 * Either keeps everything (command output that is parsed) or only the last bytes (stderr, which can
 * be large when a tool is verbose, and whose tail carries the reason).
 */
public final class OutputCollector {
  private static final int READ_SIZE = 64 * 1024;

  private final Thread thread;
  private final int keepLast;
  private final int keepFirst;
  private final ByteArrayOutputStream all = new ByteArrayOutputStream();
  private byte[] tail = new byte[0];
  private boolean overflowed;
  private volatile IOException failure;

  private OutputCollector(InputStream in, String threadName, int keepLast) {
    this(in, threadName, keepLast, -1);
  }

  private OutputCollector(InputStream in, String threadName, int keepLast, int keepFirst) {
    this.keepLast = keepLast;
    this.keepFirst = keepFirst;
    this.thread = new Thread(() -> pump(in), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Collects the whole stream. */
  public static OutputCollector drain(InputStream in, String threadName) {
    return new OutputCollector(in, threadName, -1);
  }

  /**
   * Collects the first {@code limit} bytes and drains the rest, so that a runaway program can
   * neither block on its pipe nor fill the daemon's memory; {@link #overflowed()} tells.
   */
  public static OutputCollector head(InputStream in, String threadName, int limit) {
    return new OutputCollector(in, threadName, -1, limit);
  }

  /** Collects only the last {@code keepLast} bytes. */
  public static OutputCollector tail(InputStream in, String threadName, int keepLast) {
    return new OutputCollector(in, threadName, keepLast);
  }

  private void pump(InputStream in) {
    byte[] buffer = new byte[READ_SIZE];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (this) {
          if (keepFirst >= 0) {
            int room = Math.max(0, keepFirst - all.size());
            all.write(buffer, 0, Math.min(room, n));
            overflowed |= n > room;
          } else if (keepLast < 0) {
            all.write(buffer, 0, n);
          } else {
            appendTail(buffer, n);
          }
        }
      }
    } catch (IOException e) {
      failure = e;
    }
  }

  private void appendTail(byte[] buffer, int n) {
    int keep = Math.min(keepLast, tail.length + n);
    byte[] next = new byte[keep];
    int fromOld = keep - Math.min(n, keep);
    System.arraycopy(tail, tail.length - fromOld, next, 0, fromOld);
    System.arraycopy(buffer, n - (keep - fromOld), next, fromOld, keep - fromOld);
    tail = next;
  }

  /** Waits for end of stream and returns the text collected. */
  public String awaitText() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
    }
    if (failure != null && keepLast < 0) {
      throw new UncheckedIOException(failure);
    }
    return snapshotText();
  }

  /** Whether the stream has ended (or failed): what was collected is all there is. */
  public boolean ended() {
    return !thread.isAlive();
  }

  /** Whether a {@link #head} collector dropped bytes beyond its limit. */
  public synchronized boolean overflowed() {
    return overflowed;
  }

  /** What has been collected so far, without waiting. */
  public synchronized String snapshotText() {
    byte[] bytes = keepLast < 0 ? all.toByteArray() : tail;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Waits at most {@code millis} for end of stream; returns what was collected. */
  public String awaitText(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return snapshotText();
  }
}
