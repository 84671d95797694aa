package io.zferry.service.api;

import java.net.URI;

/** No answer came: nothing listens, the network is down, or the call timed out. */
public final class ApiUnreachableException extends ApiCallException {
  private static final long serialVersionUID = 1L;

  public ApiUnreachableException(URI uri, String reason, Throwable cause) {
    super(uri, reason, cause);
  }
}
