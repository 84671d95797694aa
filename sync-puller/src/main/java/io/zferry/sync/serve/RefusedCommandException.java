package io.zferry.sync.serve;

/**
 * A command line that {@code zferry serve} will not run: its syntax is not the quoting zferry's
 * client produces, or its argv is not one of the operations zferry needs. Nothing was executed.
 */
public final class RefusedCommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RefusedCommandException(String reason) {
    super(reason);
  }
}
