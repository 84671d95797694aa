package io.zferry.service.api;

import java.net.URI;

/** A call through {@link ApiClient} did not succeed. */
public abstract sealed class ApiCallException extends Exception
    permits ApiException, ApiUnreachableException {
  private static final long serialVersionUID = 1L;

  private final URI uri;

  ApiCallException(URI uri, String message, Throwable cause) {
    super(message, cause);
    this.uri = uri;
  }

  /** What was called. */
  public URI uri() {
    return uri;
  }
}
