package io.zferry.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** zferryd takes its usual arguments without picocli, exactly as picocli would. */
class ZferrydArgumentsTest {

  private record Parsed(String config, String node, boolean checkOnly, boolean initState) {
    static Parsed of(Zferryd z) {
      return new Parsed(z.configFile.toString(), z.node, z.checkOnly, z.initState);
    }
  }

  @Test
  void theUsualArgumentsParseAsPicocliParsesThem() {
    List<List<String>> usual =
        List.of(
            List.of(),
            List.of("--config", "/etc/zferry/zferry.yaml"),
            List.of("--config=/tmp/a b.yaml"),
            List.of("--node", "node-b", "--config", "/etc/zferry/lab.yaml"),
            List.of("--node=node-a", "--check-config"),
            List.of("--init-state", "--config", "/x.yaml", "--node", "n1"));
    for (List<String> args : usual) {
      Zferryd quick = new Zferryd();
      assertThat(quick.takeArguments(args.toArray(String[]::new))).as("%s", args).isTrue();
      Zferryd picocli = new Zferryd();
      new CommandLine(picocli).parseArgs(args.toArray(String[]::new));
      assertThat(Parsed.of(quick)).as("%s", args).isEqualTo(Parsed.of(picocli));
    }
  }

  @Test
  void anythingElseIsLeftToPicocliToAnswerOrExplain() {
    List<List<String>> others =
        List.of(
            List.of("--help"),
            List.of("-h"),
            List.of("--version"),
            List.of("-V"),
            List.of("--config"),
            List.of("--config="),
            List.of("--config", "--check-config"),
            List.of("--config", "a", "--config", "b"),
            List.of("--check-config=yes"),
            List.of("--frobnicate"),
            List.of("node-b"));
    for (List<String> args : others) {
      assertThat(new Zferryd().takeArguments(args.toArray(String[]::new))).as("%s", args).isFalse();
    }
    // Of those, picocli refuses the wrong ones with a usage error (exit status 2).
    CommandLine picocli = new CommandLine(new Zferryd());
    picocli.setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()));
    assertThat(picocli.execute("--frobnicate")).isEqualTo(2);
    assertThat(picocli.execute("--config", "a", "--config", "b")).isEqualTo(2);
  }
}
