package io.zferry.snapshot.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountingHostTest {
  @Test
  void countsEveryCommandByWhatItDoes() {
    CountingHost host = new CountingHost(new LocalHost("node-b"));

    host.run(Command.of("true", "list"), Duration.ofSeconds(10));
    host.run(Command.of("/bin/true"), Duration.ofSeconds(10));
    try (RunningCommand running = host.start(Command.of("cat"))) {
      running.kill();
    }
    host.launch(Command.of("echo", "zfs", "send", "tank@a"));

    assertThat(host.counts()).isEqualTo(Map.of("true", 2L, "cat", 1L, "zfs send", 1L));
    assertThat(host.name()).isEqualTo("node-b");
    assertThat(host.launchesLocally()).isTrue();
  }

  @Test
  void aZfsCommandIsKnownByItsSubcommandWhateverRunsIt() {
    assertThat(CountingHost.kind(Command.of("zfs", "list", "-H", "tank"))).isEqualTo("zfs list");
    assertThat(CountingHost.kind(Command.of("/usr/sbin/zfs", "get", "guid", "tank")))
        .isEqualTo("zfs get");
    assertThat(CountingHost.kind(new Command(List.of("zferry-zstd", "zfs", "send", "tank@a"))))
        .isEqualTo("zfs send");
    assertThat(CountingHost.kind(Command.of("zpool", "list"))).isEqualTo("zpool");
    assertThat(CountingHost.kind(Command.of("zfs"))).isEqualTo("zfs");
  }
}
