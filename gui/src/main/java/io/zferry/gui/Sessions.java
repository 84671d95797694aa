package io.zferry.gui;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GUI sessions in memory: a restart of zferryd logs everybody out, which is the safe side. A
 * session ends after {@code idle} without a request or {@code absolute} after login, whichever is
 * first; at most {@code maxSessions} are kept (the least recently used goes first).
 */
public final class Sessions {
  public static final Duration DEFAULT_IDLE = Duration.ofHours(1);
  public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);
  private static final int MAX_SESSIONS = 1000;

  private final Clock clock;
  private final SecureRandom random;
  private final Duration idle;
  private final Duration absolute;
  // Access order: the least recently used session is first.
  private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

  private record Entry(Session session, Instant lastSeen) {}

  public Sessions(Clock clock, SecureRandom random, Duration idle, Duration absolute) {
    this.clock = clock;
    this.random = random;
    this.idle = idle;
    this.absolute = absolute;
  }

  public Sessions(Clock clock) {
    this(clock, new SecureRandom(), DEFAULT_IDLE, DEFAULT_ABSOLUTE);
  }

  /** A new session for {@code user}, with a new id (never one the browser brought along). */
  public synchronized Session create(String user) {
    Instant now = clock.instant();
    Session session = new Session(token(), user, token(), now);
    sessions.put(session.id(), new Entry(session, now));
    Iterator<Map.Entry<String, Entry>> it = sessions.entrySet().iterator();
    while (sessions.size() > MAX_SESSIONS && it.hasNext()) {
      it.next();
      it.remove();
    }
    return session;
  }

  /** The live session with this id, touched; empty if unknown or expired. */
  public synchronized Optional<Session> find(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Entry entry = sessions.get(id);
    if (entry == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(entry.lastSeen().plus(idle))
        || !now.isBefore(entry.session().created().plus(absolute))) {
      sessions.remove(id);
      return Optional.empty();
    }
    sessions.put(id, new Entry(entry.session(), now));
    return Optional.of(entry.session());
  }

  public synchronized void remove(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** Constant-time comparison of a presented CSRF token with the session's. */
  public static boolean csrfMatches(Session session, String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        session.csrfToken().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
