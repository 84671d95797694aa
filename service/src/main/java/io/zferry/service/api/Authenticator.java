package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.service.api.auth.Caller;
import java.util.Optional;

/**
 * One way a request can prove who sent it, such as a bearer token (and, later, a GUI session
 * cookie). {@link Authentication} asks each in turn.
 */
public interface Authenticator {
  /** What this mechanism makes of the request. */
  Outcome authenticate(Context ctx);

  /**
   * The {@code WWW-Authenticate} challenge a request without any credentials is answered with, if
   * this mechanism has one (a bearer token has; a session cookie has not).
   */
  Optional<String> challenge();

  /** The result of one mechanism on one request. */
  sealed interface Outcome {}

  /** The request proved who sent it. */
  record Authenticated(Caller caller) implements Outcome {}

  /**
   * The request carries this mechanism's credentials, and they are wrong.
   *
   * @param reason for the log; never the credential itself
   * @param challenge the {@code WWW-Authenticate} value to answer with, if any
   */
  record Rejected(String reason, Optional<String> challenge) implements Outcome {}

  /** The request carries no credentials of this mechanism. */
  record Absent() implements Outcome {}
}
