package io.zferry.snapshot.host;

/** A host could not run a command or lost it: a missing program, a broken connection. */
public class HostException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String host;

  public HostException(String host, String message, Throwable cause) {
    super(host + ": " + message, cause);
    this.host = host;
  }

  public HostException(String host, String message) {
    this(host, message, null);
  }

  public String host() {
    return host;
  }
}
