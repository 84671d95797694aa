package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.gui.Session;
import io.zferry.gui.WebGui;
import io.zferry.service.api.auth.Caller;
import java.util.Objects;
import java.util.Optional;

/**
 * The GUI's session cookie. A browser sends cookies with every request, also with those another
 * site makes it send, so a state-changing request must also prove it comes from a GUI page: the
 * session's CSRF token in {@value WebGui#CSRF_HEADER} and no foreign origin. Bearer tokens need no
 * such proof; a browser never adds them by itself.
 */
public final class SessionCookieAuthenticator implements Authenticator {
  private final WebGui gui;

  public SessionCookieAuthenticator(WebGui gui) {
    this.gui = Objects.requireNonNull(gui, "gui");
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
    return new Authenticated(new Caller(session.get().user(), Caller.Method.SESSION));
  }

  @Override
  public Optional<String> challenge() {
    return Optional.empty();
  }
}
