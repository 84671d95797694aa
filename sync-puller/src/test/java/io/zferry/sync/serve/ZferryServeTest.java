package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ZferryServeTest {
  private final List<List<String>> executed = new ArrayList<>();
  private final List<String> audit = new ArrayList<>();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final ZferryServe serve =
      new ZferryServe(
          "/usr/sbin/zfs",
          new ServedPools(Set.of("tank")),
          argv -> {
            executed.add(argv);
            return 3;
          },
          new PrintStream(stderr, true, StandardCharsets.UTF_8),
          audit::add);

  @Test
  void runsAnAllowedCommandAsArgvAndReturnsItsStatus() {
    int status = serve.handle("'zfs' 'send' '-I' 'tank/data@zferry-1' 'tank/data@zferry-2'");

    assertThat(status).isEqualTo(3);
    assertThat(executed)
        .containsExactly(
            List.of("/usr/sbin/zfs", "send", "-I", "tank/data@zferry-1", "tank/data@zferry-2"));
    assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(audit).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#COMMAND_LINES")
  void refusesTheCorpusWithoutRunningAnything(String line) {
    int status = serve.handle(line);

    assertThat(status).isEqualTo(ZferryServe.REFUSED);
    assertThat(executed).as("nothing may run").isEmpty();
    String said = stderr.toString(StandardCharsets.UTF_8);
    assertThat(said).startsWith("zferry serve: refused ").endsWith("\n");
    assertThat(said.strip()).as("one line, control characters escaped").doesNotContain("\n", "\r");
    assertThat(audit).hasSize(1);
  }

  @Test
  void refusesAnInteractiveLogin() {
    assertThat(serve.handle(null)).isEqualTo(ZferryServe.REFUSED);
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .contains("refused (no command)")
        .contains("interactive login");
    assertThat(executed).isEmpty();
  }

  @Test
  void wrongOptionsInTheAuthorizedKeysLineAreAUsageError() {
    int status =
        ZferryServe.serve(
            new String[] {"--zfs", "relative/zfs"},
            Map.of("SSH_ORIGINAL_COMMAND", "zfs version"),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(ZferryServe.USAGE);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--zfs needs the absolute path");
  }

  @Test
  void printableEscapesControlCharactersAndShortens() {
    assertThat(ZferryServe.printable("a\nb")).isEqualTo("'a\\u000ab'");
    assertThat(ZferryServe.printable("x".repeat(500))).endsWith("...(500 characters)'");
  }

  @Test
  void forTheLaunchersPrintsTheAcceptedArgvOneWordPerLine() throws Exception {
    Path config = Files.createTempFile("zferry-serve", ".yaml");
    Files.writeString(config, "services: [{name: tank, pool: tank}]\n");
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int accepted;
    int refused;
    int outsideThePools;
    int withoutConfig;
    try {
      accepted =
          ZferryServe.serve(
              new String[] {"--print-argv", "--zfs", "/sbin/zfs", "--config", config.toString()},
              Map.of("SSH_ORIGINAL_COMMAND", "'zfs' 'send' '-R' 'tank@s1'"),
              new PrintStream(stderr, true, StandardCharsets.UTF_8));
      refused =
          ZferryServe.serve(
              new String[] {"--print-argv", "--zfs", "/sbin/zfs", "--config", config.toString()},
              Map.of("SSH_ORIGINAL_COMMAND", "zfs send -R tank@s1; id"),
              new PrintStream(stderr, true, StandardCharsets.UTF_8));
      Files.writeString(config, "services: [{name: data, pool: data}]\n");
      outsideThePools =
          ZferryServe.serve(
              new String[] {"--print-argv", "--zfs", "/sbin/zfs", "--config", config.toString()},
              Map.of("SSH_ORIGINAL_COMMAND", "'zfs' 'send' '-R' 'tank@s1'"),
              new PrintStream(stderr, true, StandardCharsets.UTF_8));
      Files.delete(config);
      withoutConfig =
          ZferryServe.serve(
              new String[] {"--print-argv", "--zfs", "/sbin/zfs", "--config", config.toString()},
              Map.of("SSH_ORIGINAL_COMMAND", "'zfs' 'version'"),
              new PrintStream(stderr, true, StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
    }
    assertThat(outsideThePools).isEqualTo(ZferryServe.REFUSED);
    assertThat(withoutConfig).isEqualTo(ZferryServe.REFUSED);
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .contains("tank is not in a pool of this node's services (data)")
        .contains("refused: the pools this node serves are unknown: " + config + " does not exist");

    assertThat(accepted).isZero();
    assertThat(refused).isEqualTo(ZferryServe.REFUSED);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .as("only the accepted command is printed")
        .isEqualTo("/sbin/zfs\nsend\n-R\ntank@s1\n");
  }

  @Test
  void theWarmUpForTheClassArchiveGetsTheVerdictsOfARealServe() {
    ByteArrayOutputStream said = new ByteArrayOutputStream();

    int status = ZferryServe.warmUp(new PrintStream(said, true, StandardCharsets.UTF_8));

    assertThat(status).as(said.toString(StandardCharsets.UTF_8)).isZero();
    for (String line : ZferryServe.WARM_UP.subList(0, ZferryServe.WARM_UP.size() - 1)) {
      assertThat(serve.handle(line)).as(line).isEqualTo(3);
    }
    assertThat(serve.handle(ZferryServe.WARM_UP.get(ZferryServe.WARM_UP.size() - 1)))
        .isEqualTo(ZferryServe.REFUSED);
    assertThat(executed).hasSize(ZferryServe.WARM_UP.size() - 1);
  }
}
