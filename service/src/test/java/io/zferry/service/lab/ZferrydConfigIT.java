package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real bin/zferryd launcher refuses a bad configuration before doing anything. */
class ZferrydConfigIT {
  private final Path repo =
      Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).getParent().getParent().getParent();

  @Test
  void badConfigIsRefusedWithTheKeyAndTheFix(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "nodes:",
            "  - name: node-a",
            "    address: 10.99.0.11",
            "  - name: node-b",
            "    address: 10.99.0.12",
            "defaults:",
            "  snapshotInterval: 1s",
            "  retentionCuont: 5",
            "services:",
            "  - name: tank",
            "    pool: 'tank;rm'",
            "    preferredNode: node-c",
            "state:",
            "  database: " + dir.resolve("state.db"),
            ""));

    CommandResult result =
        new LocalHost("here")
            .run(
                Command.of(
                    repo.resolve("bin/zferryd").toString(),
                    "--config",
                    config.toString(),
                    "--node",
                    "node-a"),
                Duration.ofSeconds(60));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("defaults.snapshotInterval")
        .contains("retentionCuont")
        .contains("retentionCount")
        .contains("services[0].pool")
        .contains("node-c");
    assertThat(dir.resolve("state.db")).as("nothing was created").doesNotExist();
  }
}
