package io.zferry.service.pacemaker;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What Pacemaker last asked of this node's instance of a service (the promotable clone's state on
 * this node): the resource agent's start, stop, promote and demote set it. It lives in the runtime
 * directory, which a reboot empties, as Pacemaker's own view of a node's resources does.
 */
public enum PacemakerIntent {
  /** Not running here: neither serve nor pull. The state after a boot. */
  STOPPED,
  /** Running unpromoted: follow the owner, pull from it. */
  STARTED,
  /** Promoted here: serve. */
  PROMOTED;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<PacemakerIntent> parse(String word) {
    return Arrays.stream(values()).filter(i -> i.word().equals(word.strip())).findFirst();
  }
}
