package io.zferry.gui;

import java.time.Instant;
import java.util.Objects;

/**
 * A logged-in browser.
 *
 * @param id the cookie value; random, never logged
 * @param user the login name as configured
 * @param csrfToken the synchronizer token the pages send back in {@code X-CSRF-Token}
 * @param created when the user logged in
 */
public record Session(String id, String user, String csrfToken, Instant created) {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(csrfToken, "csrfToken");
    Objects.requireNonNull(created, "created");
  }

  @Override
  public String toString() {
    return "Session[user=" + user + ", created=" + created + "]";
  }
}
