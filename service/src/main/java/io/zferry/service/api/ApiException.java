package io.zferry.service.api;

import java.net.URI;

/**
 * The API answered, with an error status (or with an answer the client could not read).
 *
 * @see ApiError
 */
public final class ApiException extends ApiCallException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String fix;

  public ApiException(URI uri, int status, String error, String fix) {
    super(uri, error + " (HTTP " + status + ") — " + fix, null);
    this.status = status;
    this.error = error;
    this.fix = fix;
  }

  /** The HTTP status, such as 401. */
  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String fix() {
    return fix;
  }
}
