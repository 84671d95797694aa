package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.gui.Session;
import io.zferry.gui.WebGui;
import io.zferry.service.api.auth.Caller;
import io.zferry.service.api.auth.Role;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The GUI's session cookie. A browser sends cookies with every request, also with those another
 * site makes it send, so a state-changing request must also prove it comes from a GUI page: the
 * session's CSRF token in {@value WebGui#CSRF_HEADER} and no foreign origin. Bearer tokens need no
 * such proof; a browser never adds them by itself.
 */
public final class SessionCookieAuthenticator implements Authenticator {
  private final WebGui gui;
  private final Function<String, Optional<Role>> roleOf;

  /**
   * @param roleOf the role of a configured GUI user by login name, or empty if there is no such
   *     user
   */
  public SessionCookieAuthenticator(WebGui gui, Function<String, Optional<Role>> roleOf) {
    this.gui = Objects.requireNonNull(gui, "gui");
    this.roleOf = Objects.requireNonNull(roleOf, "roleOf");
  }

  /**
   * @throws ApiProblem 403 for a valid session whose request may be forged
   */
  @Override
  public Outcome authenticate(Context ctx) {
    if (!WebGui.hasSessionCookie(ctx)) {
      return new Absent();
    }
    Optional<Session> session = gui.session(ctx);
    if (session.isEmpty()) {
      return new Rejected("the GUI session is unknown or has expired", Optional.empty());
    }
    Optional<String> forgery = gui.forgeryProblem(ctx, session.get());
    if (forgery.isPresent()) {
      throw new ApiProblem(
          403,
          "refused as a possible cross-site request forgery: " + forgery.get(),
          "use the GUI's own pages, which send the header "
              + WebGui.CSRF_HEADER
              + "; scripts should use a bearer token");
    }
    String user = session.get().user();
    Optional<Role> role = roleOf.apply(user);
    if (role.isEmpty()) {
      return new Rejected("the GUI user " + user + " is not configured", Optional.empty());
    }
    return new Authenticated(new Caller(user, Caller.Method.SESSION, role.get()));
  }

  @Override
  public Optional<String> challenge() {
    return Optional.empty();
  }
}
