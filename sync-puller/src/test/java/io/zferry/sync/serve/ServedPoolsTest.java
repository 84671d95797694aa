package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.zfs.DatasetName;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedPoolsTest {
  @TempDir Path dir;

  @Test
  void readsThePoolOfEveryServiceInBlockAndFlowStyle() throws Exception {
    Path config =
        write(
            """
            cluster: {name: lab}
            services:
              - name: tank
                pool: tank
                vips: [10.0.0.5/24]
              - {name: archive, pool: backup}
            api: {port: 8330}
            """);

    ServedPools pools = ServedPools.read(config);

    assertThat(pools.pools()).containsExactly("backup", "tank");
    assertThat(pools.serves(DatasetName.of("tank/home/alice"))).isTrue();
    assertThat(pools.serves(DatasetName.of("backup"))).isTrue();
    assertThat(pools.serves(DatasetName.of("rpool/ROOT"))).isFalse();
    assertThat(pools.serves(DatasetName.of("tankx"))).isFalse();
  }

  @Test
  void aConfigThatCannotBeReadServesNothingAndSaysWhy() throws Exception {
    assertThatThrownBy(() -> ServedPools.read(dir.resolve("missing.yaml")))
        .hasMessageEndingWith("missing.yaml does not exist");
    assertThatThrownBy(() -> ServedPools.read(write("services: [{pool: tank}\n")))
        .hasMessageEndingWith("is not valid YAML");
    assertThatThrownBy(() -> ServedPools.read(write("services:\n  - name: tank\n")))
        .hasMessageEndingWith("names no service pool (services[].pool)");
    // A dataset is not a pool; a duplicate key is ambiguous: neither is guessed at.
    assertThatThrownBy(() -> ServedPools.read(write("services: [{name: t, pool: tank/data}]\n")))
        .hasMessageEndingWith("names no service pool (services[].pool)");
    assertThatThrownBy(
            () -> ServedPools.read(write("services: [{name: t, pool: tank, pool: rpool}]\n")))
        .hasMessageEndingWith("is not valid YAML");
    assertThatThrownBy(() -> ServedPools.read(write("!!java.lang.Runtime {}\n")))
        .hasMessageEndingWith("is not valid YAML");
  }

  private Path write(String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "zferry", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
