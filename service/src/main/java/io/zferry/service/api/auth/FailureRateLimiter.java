package io.zferry.service.api.auth;

import io.zferry.gui.LoginThrottle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts failed authentications per key (a remote address) and blocks a key that failed {@code
 * maxFailures} times within {@code window}, for {@code blockFor}. Guessing a 256-bit token is
 * hopeless anyway; the block keeps a misbehaving client from filling the log and the CPU.
 *
 * <p>At most {@code maxKeys} keys are remembered, so that requests from many addresses cannot grow
 * it without bound; past that, the key whose last failure is oldest is forgotten first.
 *
 * <p>It is also the GUI's {@link LoginThrottle}: one limiter for tokens and passwords, so a guesser
 * gains nothing by switching between them.
 */
public final class FailureRateLimiter implements LoginThrottle {
  public static final int DEFAULT_MAX_FAILURES = 10;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final Duration DEFAULT_BLOCK = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_KEYS = 10_000;

  private final int maxFailures;
  private final Duration window;
  private final Duration blockFor;
  private final int maxKeys;
  private final Clock clock;
  // Ordered by last failure: a key is moved to the end when it fails again.
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  private static final class Entry {
    final Deque<Instant> failures = new ArrayDeque<>();
    Instant blockedUntil;
    Instant lastFailure;
  }

  public FailureRateLimiter(
      int maxFailures, Duration window, Duration blockFor, int maxKeys, Clock clock) {
    if (maxFailures < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("maxFailures and maxKeys must be at least 1");
    }
    if (window.isNegative() || window.isZero() || blockFor.isNegative() || blockFor.isZero()) {
      throw new IllegalArgumentException("window and blockFor must be positive");
    }
    this.maxFailures = maxFailures;
    this.window = window;
    this.blockFor = blockFor;
    this.maxKeys = maxKeys;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** 10 failures in a minute block for 5 minutes. */
  public static FailureRateLimiter withDefaults(Clock clock) {
    return new FailureRateLimiter(
        DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_BLOCK, DEFAULT_MAX_KEYS, clock);
  }

  public int maxFailures() {
    return maxFailures;
  }

  public Duration window() {
    return window;
  }

  /** How much longer {@code key} stays blocked; empty if it is not blocked. */
  @Override
  public synchronized Optional<Duration> blockedFor(String key) {
    Entry entry = entries.get(key);
    if (entry == null || entry.blockedUntil == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(entry.blockedUntil)) {
      entry.blockedUntil = null;
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, entry.blockedUntil));
  }

  /**
   * Counts a failure of {@code key}.
   *
   * @return true if this failure blocked the key (once per block, so the caller can log it once)
   */
  @Override
  public synchronized boolean recordFailure(String key) {
    Instant now = clock.instant();
    Entry entry = entries.remove(key);
    if (entry == null) {
      entry = new Entry();
    }
    entries.put(key, entry);
    entry.lastFailure = now;
    if (entry.blockedUntil != null && now.isBefore(entry.blockedUntil)) {
      return false;
    }
    entry.blockedUntil = null;
    Instant horizon = now.minus(window);
    while (!entry.failures.isEmpty() && !entry.failures.peekFirst().isAfter(horizon)) {
      entry.failures.removeFirst();
    }
    entry.failures.addLast(now);
    boolean blocked = entry.failures.size() >= maxFailures;
    if (blocked) {
      entry.blockedUntil = now.plus(blockFor);
      entry.failures.clear();
    }
    forgetBeyondCapacity(now);
    return blocked;
  }

  /** How many keys are remembered. */
  public synchronized int trackedKeys() {
    return entries.size();
  }

  private void forgetBeyondCapacity(Instant now) {
    if (entries.size() <= maxKeys) {
      return;
    }
    Instant horizon = now.minus(window);
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext() && entries.size() > maxKeys) {
      Entry e = it.next().getValue();
      boolean stale =
          !e.lastFailure.isAfter(horizon)
              && (e.blockedUntil == null || !now.isBefore(e.blockedUntil));
      if (stale) {
        it.remove();
      }
    }
    // Still full of recent keys: forget the oldest, the bound on memory comes first.
    it = entries.entrySet().iterator();
    while (it.hasNext() && entries.size() > maxKeys) {
      it.next();
      it.remove();
    }
  }
}
