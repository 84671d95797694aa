package io.zferry.service.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository that tests hold the code to, such as docs/config.md. */
public final class RepoFiles {
  private RepoFiles() {}

  /** {@code relative} in the nearest directory above the working directory that has it. */
  public static Path find(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
