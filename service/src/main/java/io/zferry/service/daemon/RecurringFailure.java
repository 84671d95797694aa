package io.zferry.service.daemon;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which reasons of a failure that recurs every few seconds (a heartbeat, a poll) have been said
 * since it last healed. Each reason is said once: a warning repeated every heartbeat drowns the
 * journal, and one said only for the first reason hides a new one (a transient handshake failure
 * while the peer restarts, then an impostor's certificate).
 */
final class RecurringFailure {
  /** Reasons that carry changing detail must not grow the set without bound. */
  private static final int REMEMBERED = 8;

  private final Set<String> said = new LinkedHashSet<>();

  /** True the first time {@code reason} occurs since the failure last healed. */
  synchronized boolean firstTime(String reason) {
    if (said.contains(reason)) {
      return false;
    }
    if (said.size() == REMEMBERED) {
      said.remove(said.iterator().next());
    }
    said.add(reason);
    return true;
  }

  /** The operation succeeded: every reason is new again. */
  synchronized void healed() {
    said.clear();
  }
}
