package io.zferry.service.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration was refused. It carries every problem found, not just the first, so that an
 * operator fixes the file in one pass; the message has one self-contained line per problem.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final transient List<ConfigProblem> problems;

  /**
   * @param source the file name shown in front of each problem, or null for a configuration built
   *     in code
   * @param problems at least one
   */
  public ConfigException(String source, List<ConfigProblem> problems) {
    super(render(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file (or other origin) the problems were found in; null for one built in code. */
  public String source() {
    return source;
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(String source, List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems.stream().map(p -> p.render(source)).collect(Collectors.joining("\n"));
  }
}
