package io.zferry.lockstate;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the event history.
 *
 * @param id increases with every event and is never reused, even after pruning, so a reader can
 *     poll for "events after id N"
 * @param service the service concerned, or null for node-wide events (daemon start, config)
 * @param node the node the event happened on or concerns (the new owner, the fenced node)
 * @param actor who caused it: an operator's name, a node name or "zferryd"
 * @param message a sentence for the operator; may span lines (stderr)
 */
public record Event(
    long id,
    Instant at,
    EventKind kind,
    String service,
    String node,
    String actor,
    String message) {
  public Event {
    if (id < 1) {
      throw new IllegalArgumentException("event id must be positive: " + id);
    }
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    if (service != null) {
      Checks.name("service", service);
    }
    Checks.name("node", node);
    Checks.label("actor", actor);
    Checks.text("message", message);
  }
}
