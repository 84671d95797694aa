package io.zferry.service.api;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** No answer came: nothing listens, the network is down, or the call timed out. */
public final class ApiUnreachableException extends ApiCallException {
  private static final long serialVersionUID = 1L;

  /** Not Optional: exceptions are serializable. Null unless the request time-out ran out. */
  private final Duration timedOutAfter;

  public ApiUnreachableException(URI uri, String reason, Throwable cause) {
    this(uri, reason, null, cause);
  }

  private ApiUnreachableException(URI uri, String reason, Duration timedOutAfter, Throwable cause) {
    super(uri, reason, cause);
    this.timedOutAfter = timedOutAfter;
  }

  /**
   * The connection was made but no answer came within {@code waited}: the daemon is busy or hung,
   * which is not the same as nothing listening.
   */
  public static ApiUnreachableException timedOut(URI uri, Duration waited, Throwable cause) {
    return new ApiUnreachableException(uri, "no answer within " + waited, waited, cause);
  }

  /** The request time-out that ran out, if that is why no answer came. */
  public Optional<Duration> timedOutAfter() {
    return Optional.ofNullable(timedOutAfter);
  }
}
