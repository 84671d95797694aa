package io.zferry.gui;

import java.time.Duration;
import java.util.Optional;

/** Slows down password guessing: failed logins counted per remote address. */
public interface LoginThrottle {
  /** How long {@code remote} must still wait; empty if it may try. */
  Optional<Duration> blockedFor(String remote);

  /** Counts a failed login of {@code remote}; true if this failure blocked it. */
  boolean recordFailure(String remote);
}
