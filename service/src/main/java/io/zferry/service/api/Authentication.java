package io.zferry.service.api;

import io.javalin.http.Context;
import io.zferry.service.api.auth.Caller;
import io.zferry.service.api.auth.FailureRateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in front of every request: answers 429 to an address that failed too often, otherwise asks
 * each {@link Authenticator} and either records the {@link Caller} on the request or answers 401.
 * Failures are logged with the remote address and the reason, never with the credential.
 */
public final class Authentication {
  private static final Logger log = LoggerFactory.getLogger(Authentication.class);
  private static final String CALLER = Authentication.class.getName() + ".caller";
  static final String FIX =
      "send the header 'Authorization: Bearer <token>' with a token from the cluster's API tokens"
          + " file (api.tokensFile, by default /etc/zferry/api-tokens)";

  private final List<Authenticator> authenticators;
  private final FailureRateLimiter limiter;

  public Authentication(List<Authenticator> authenticators, FailureRateLimiter limiter) {
    this.authenticators = List.copyOf(authenticators);
    if (this.authenticators.isEmpty()) {
      throw new IllegalArgumentException("at least one authenticator is needed");
    }
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /**
   * Authenticates the request or throws the answer.
   *
   * @throws ApiProblem 401 or 429
   */
  public void check(Context ctx) {
    // The socket's address, not a header a client could set.
    String remote = ctx.req().getRemoteAddr();
    Optional<Duration> blocked = limiter.blockedFor(remote);
    if (blocked.isPresent()) {
      throw ApiProblem.tooManyRequests(
          "too many failed authentication attempts from " + remote,
          "wait "
              + Math.max(1, blocked.get().toSeconds())
              + " s, then retry with a valid token from the API tokens file",
          blocked.get());
    }
    Authenticator.Rejected rejected = null;
    for (Authenticator authenticator : authenticators) {
      Authenticator.Outcome outcome = authenticator.authenticate(ctx);
      if (outcome instanceof Authenticator.Authenticated) {
        ctx.attribute(CALLER, ((Authenticator.Authenticated) outcome).caller());
        return;
      }
      if (outcome instanceof Authenticator.Rejected && rejected == null) {
        rejected = (Authenticator.Rejected) outcome;
      }
    }
    String reason = rejected != null ? rejected.reason() : "no credentials";
    log.warn("API request refused: {} from {} for {} {}", reason, remote, ctx.method(), ctx.path());
    if (limiter.recordFailure(remote)) {
      log.warn(
          "API: blocking {} after {} failed authentications within {}",
          remote,
          limiter.maxFailures(),
          limiter.window());
    }
    if (rejected != null) {
      throw new ApiProblem(
          401,
          "the credentials are not valid (" + rejected.reason() + ")",
          FIX + "; both nodes must hold the same file",
          rejected.challenge().map(c -> Map.of("WWW-Authenticate", c)).orElse(Map.of()));
    }
    List<String> challenges = new ArrayList<>();
    authenticators.forEach(a -> a.challenge().ifPresent(challenges::add));
    throw new ApiProblem(
        401,
        "authentication required",
        FIX,
        challenges.isEmpty()
            ? Map.of()
            : Map.of("WWW-Authenticate", String.join(", ", challenges)));
  }

  /** Who sent {@code ctx}, if it authenticated. */
  public static Optional<Caller> callerIfAny(Context ctx) {
    return Optional.ofNullable(ctx.attribute(CALLER));
  }

  /**
   * Who sent {@code ctx}.
   *
   * @throws IllegalStateException if the request did not pass {@link #check}
   */
  public static Caller caller(Context ctx) {
    Caller caller = ctx.attribute(CALLER);
    if (caller == null) {
      throw new IllegalStateException("request " + ctx.path() + " was not authenticated");
    }
    return caller;
  }
}
