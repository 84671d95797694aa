package io.zferry.service.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown by a route (or the authentication in front of it) to answer with an error status and an
 * {@link ApiError} body; the server turns it into the response. Status codes follow their HTTP
 * meaning: 400 the request is wrong, 401 not authenticated, 404 no such thing, 409 the cluster's
 * state does not allow it now, 429 too many failed attempts.
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String fix;
  private final transient Map<String, String> headers;

  public ApiProblem(int status, String error, String fix) {
    this(status, error, fix, Map.of());
  }

  public ApiProblem(int status, String error, String fix, Map<String, String> headers) {
    super(Objects.requireNonNull(error, "error"));
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an API problem has an error status, not " + status);
    }
    this.status = status;
    this.fix = Objects.requireNonNull(fix, "fix");
    this.headers = Map.copyOf(headers);
  }

  public static ApiProblem badRequest(String error, String fix) {
    return new ApiProblem(400, error, fix);
  }

  public static ApiProblem notFound(String error, String fix) {
    return new ApiProblem(404, error, fix);
  }

  public static ApiProblem conflict(String error, String fix) {
    return new ApiProblem(409, error, fix);
  }

  /** 429 with a {@code Retry-After} of {@code retryAfter}, rounded up to whole seconds. */
  public static ApiProblem tooManyRequests(String error, String fix, Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return new ApiProblem(429, error, fix, Map.of("Retry-After", Long.toString(seconds)));
  }

  public int status() {
    return status;
  }

  public String error() {
    return getMessage();
  }

  public String fix() {
    return fix;
  }

  /** Headers the answer carries besides the body, such as {@code WWW-Authenticate}. */
  public Map<String, String> headers() {
    return headers;
  }

  public ApiError body() {
    return new ApiError(getMessage(), fix);
  }
}
