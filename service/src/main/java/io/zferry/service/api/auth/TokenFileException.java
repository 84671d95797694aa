package io.zferry.service.api.auth;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The API tokens file cannot be used. The message names the file, what is wrong and the fix, and
 * never contains a token.
 */
public final class TokenFileException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of problem, so that a caller can word the fix for its own user. */
  public enum Reason {
    /** The file does not exist. */
    MISSING,
    /** The file exists but this process may not read it, or it is not a regular file. */
    UNREADABLE,
    /** Group or others may read or write it, or its mode is otherwise not 0600 or 0400. */
    BAD_MODE,
    /** Its content is not a list of tokens. */
    INVALID
  }

  private final transient Path file;
  private final Reason reason;
  private final String problem;
  private final String fix;

  public TokenFileException(Path file, Reason reason, String problem, String fix) {
    super(file + ": " + problem + " — " + fix);
    this.file = Objects.requireNonNull(file, "file");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.problem = Objects.requireNonNull(problem, "problem");
    this.fix = Objects.requireNonNull(fix, "fix");
  }

  public Path file() {
    return file;
  }

  public Reason reason() {
    return reason;
  }

  /** What is wrong, without the file name, such as {@code line 3: the token is too short}. */
  public String problem() {
    return problem;
  }

  public String fix() {
    return fix;
  }
}
