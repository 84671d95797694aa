package io.zferry.service.config;

/**
 * One value was refused by a validator or a record constructor. The loader catches it and adds the
 * key path in front of {@link #key()}; code that builds a configuration directly sees the message.
 */
public final class ConfigValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String problem;
  private final String fix;

  /**
   * @param key the offending key relative to the record being built (such as {@code
   *     heartbeatTimeout} or {@code users[1].name}), or null when the validator does not know it
   * @param problem what is wrong, naming the value
   * @param fix what to do about it
   */
  public ConfigValueException(String key, String problem, String fix) {
    super((key == null ? "" : key + ": ") + problem + " — " + fix);
    this.key = key;
    this.problem = problem;
    this.fix = fix;
  }

  public ConfigValueException(String problem, String fix) {
    this(null, problem, fix);
  }

  /** The key relative to the record that refused the value, or null. */
  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }

  public String fix() {
    return fix;
  }
}
