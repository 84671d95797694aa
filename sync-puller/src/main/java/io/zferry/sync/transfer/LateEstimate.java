package io.zferry.sync.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The expected size of one stream, asked for only once the transfer proves long: after it has
 * streamed for {@code afterStreaming} or moved {@code afterBytes}. On the peer every command costs
 * a {@code zferry serve} start (a JVM; a minute on a small VM), so a size estimate asked before
 * each send ({@code zfs send -nP}) doubles the commands of a cycle of small incrementals, which end
 * long before a percentage or an ETA would help anyone. A long transfer still gets both, moments
 * after it starts. Asked at most once, on a thread of {@code executor}, so the stream never waits
 * for it; a failed or empty answer leaves the size unknown.
 */
public final class LateEstimate {
  private final Supplier<OptionalLong> size;
  private final Duration afterStreaming;
  private final long afterBytes;
  private final Executor executor;
  private final AtomicBoolean asked = new AtomicBoolean();
  private volatile long total = TransferProgress.UNKNOWN;

  public LateEstimate(
      Supplier<OptionalLong> size, Duration afterStreaming, long afterBytes, Executor executor) {
    this.size = Objects.requireNonNull(size, "size");
    this.afterStreaming = Objects.requireNonNull(afterStreaming, "afterStreaming");
    this.afterBytes = afterBytes;
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Asks on a daemon thread of its own. */
  public LateEstimate(Supplier<OptionalLong> size, Duration afterStreaming, long afterBytes) {
    this(size, afterStreaming, afterBytes, LateEstimate::onDaemonThread);
  }

  /**
   * Called by the transfer after each chunk.
   *
   * @param streaming how long bytes have been flowing (since the first one)
   * @param bytes bytes moved so far
   */
  void onProgress(Duration streaming, long bytes) {
    if ((bytes >= afterBytes || streaming.compareTo(afterStreaming) >= 0)
        && asked.compareAndSet(false, true)) {
      executor.execute(this::ask);
    }
  }

  /** Whether the size was asked for. */
  public boolean asked() {
    return asked.get();
  }

  /** The answer, or {@link TransferProgress#UNKNOWN} while there is none. */
  public long total() {
    return total;
  }

  private void ask() {
    try {
      OptionalLong answer = size.get();
      if (answer.isPresent() && answer.getAsLong() >= 0) {
        total = answer.getAsLong();
      }
    } catch (RuntimeException e) {
      // The size only feeds the progress display; the transfer goes on without it.
    }
  }

  private static void onDaemonThread(Runnable task) {
    Thread thread = new Thread(task, "send-size-estimate");
    thread.setDaemon(true);
    thread.start();
  }
}
