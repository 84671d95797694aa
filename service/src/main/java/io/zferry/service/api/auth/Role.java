package io.zferry.service.api.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an API caller may do. Every token and every GUI user carries exactly one role; each route
 * names the roles it admits ({@link Access}).
 */
public enum Role {
  /** Reads: status, the GUI's views, settings, events. */
  VIEWER,
  /** A viewer that also acts: switchover, failover, mark-sync-as-fixed, settings, divergence. */
  OPERATOR,
  /** The other node: its heartbeat and status, and the internal half of every action. */
  PEER,
  /** A Prometheus scraper: {@code /metrics} only. */
  METRICS;

  /**
   * The roles, lower case, as the tokens file, the config and the CLI spell them; a constant for
   * the CLI's help (RoleTest holds it to {@link #values()}).
   */
  public static final String NAMES = "viewer, operator, peer, metrics";

  /** The role as the tokens file and the config spell it: {@code viewer}, {@code operator}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role spelled {@code text} (lower case), or empty. */
  public static Optional<Role> parse(String text) {
    return Arrays.stream(values()).filter(r -> r.text().equals(text)).findFirst();
  }

  /**
   * The role of a token whose line names none (a tokens file written before roles existed), and of
   * {@code zferry token new LABEL} without {@code --role}: the least that lets the client with the
   * documented label do its job, and {@link #VIEWER} for any other label.
   */
  public static Role defaultFor(String label) {
    return switch (label) {
      case "peer" -> PEER;
      case "cli" -> OPERATOR;
      case "prometheus", "metrics" -> METRICS;
      default -> VIEWER;
    };
  }
}
