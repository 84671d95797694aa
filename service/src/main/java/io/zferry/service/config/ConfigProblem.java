package io.zferry.service.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, and how to put it right.
 *
 * @param path where: a key path such as {@code services[1].pool} (list indexes count from 0), a
 *     position such as {@code line 3, column 7} for YAML syntax errors, or empty for the whole file
 * @param problem what is wrong, naming the offending value
 * @param fix what the operator should do about it
 */
public record ConfigProblem(String path, String problem, String fix) {
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(fix, "fix");
  }

  /** {@code <source>: <path>: <problem> — <fix>}, leaving out the parts that are empty. */
  public String render(String source) {
    StringBuilder line = new StringBuilder();
    if (source != null && !source.isEmpty()) {
      line.append(source).append(": ");
    }
    if (!path.isEmpty()) {
      line.append(path).append(": ");
    }
    return line.append(problem).append(" — ").append(fix).toString();
  }
}
