package io.zferry.service.operations;

/**
 * An operator action that was refused or failed. The message names the thing and the fix; the kind
 * decides the HTTP status and the CLI's exit code.
 */
public final class OperationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the action did not happen. */
  public enum Kind {
    /** Bad input, such as a node that is not in the cluster (HTTP 400). */
    INVALID,
    /** No such service (HTTP 404). */
    NOT_FOUND,
    /** The cluster is not in a state that allows it, such as a peer that does not answer (409). */
    CONFLICT,
    /** It was tried and failed; what was changed has been put back where possible (500). */
    FAILED,
    /**
     * The peer did not answer, or its answer was lost: whether it acted is unknown, so nothing may
     * be concluded from it (504).
     */
    UNANSWERED
  }

  private final Kind kind;

  public OperationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public OperationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
