package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/config.md is the configuration reference: it must name every key the loader accepts. */
class ConfigDocsTest {
  @Test
  void everyKeyTheLoaderAcceptsHasARowInConfigMd() throws IOException {
    String reference = Files.readString(find("docs/config.md"));

    for (String key : ConfigSchema.KEYS) {
      assertThat(reference).as("docs/config.md documents %s", key).contains("| `" + key + "` |");
    }
  }

  private static Path find(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
