package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/config.md is the configuration reference: it must name every key the loader accepts. */
class ConfigDocsTest {
  @Test
  void everyKeyTheLoaderAcceptsHasARowInConfigMd() throws IOException {
    String reference = Files.readString(RepoFiles.find("docs/config.md"));

    for (String key : ConfigSchema.KEYS) {
      assertThat(reference).as("docs/config.md documents %s", key).contains("| `" + key + "` |");
    }
  }
}
