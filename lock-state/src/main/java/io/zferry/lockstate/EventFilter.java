package io.zferry.lockstate;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which events {@link StateStore#events} returns, newest first.
 *
 * @param service only this service's events, or all (including node-wide ones) when empty
 * @param kinds only these kinds, or all when empty
 * @param from only events at or after this instant
 * @param until only events before this instant
 * @param limit at most this many (the newest), 1 to {@value #MAX_LIMIT}
 */
public record EventFilter(
    Optional<String> service,
    Set<EventKind> kinds,
    Optional<Instant> from,
    Optional<Instant> until,
    int limit) {
  public static final int MAX_LIMIT = 100_000;

  public EventFilter {
    Checks.present("service", service).ifPresent(s -> Checks.name("service", s));
    kinds = Set.copyOf(Objects.requireNonNull(kinds, "kinds (use an empty set for all kinds)"));
    Checks.present("from", from);
    Checks.present("until", until);
    if (from.isPresent() && until.isPresent() && !from.get().isBefore(until.get())) {
      throw new IllegalArgumentException(
          "event filter time range is empty: from "
              + from.get()
              + " is not before until "
              + until.get());
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "event filter limit " + limit + " is out of range; use 1 to " + MAX_LIMIT);
    }
  }

  /** The newest {@code limit} events of every kind and service. */
  public static EventFilter latest(int limit) {
    return new EventFilter(Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), limit);
  }

  public EventFilter withService(String newService) {
    return new EventFilter(Optional.of(newService), kinds, from, until, limit);
  }

  public EventFilter withKinds(EventKind first, EventKind... more) {
    EnumSet<EventKind> set = EnumSet.of(first);
    set.addAll(Arrays.asList(more));
    return new EventFilter(service, set, from, until, limit);
  }

  public EventFilter withFrom(Instant newFrom) {
    return new EventFilter(service, kinds, Optional.of(newFrom), until, limit);
  }

  public EventFilter withUntil(Instant newUntil) {
    return new EventFilter(service, kinds, from, Optional.of(newUntil), limit);
  }

  public EventFilter withLimit(int newLimit) {
    return new EventFilter(service, kinds, from, until, newLimit);
  }
}
