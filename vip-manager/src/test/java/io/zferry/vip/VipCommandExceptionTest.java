package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VipCommandExceptionTest {
  @Test
  void theMessageNamesThePurposeTheCommandAndItsStderr() {
    CommandOutcome outcome =
        new CommandOutcome(
            List.of("ip", "addr", "add", "10.99.0.100/24", "dev", "nope0"),
            1,
            "",
            "Cannot find device \"nope0\"\n");
    VipCommandException e = VipCommandException.failed("adding 10.99.0.100/24 on nope0", outcome);
    assertThat(e)
        .hasMessage(
            "adding 10.99.0.100/24 on nope0: 'ip addr add 10.99.0.100/24 dev nope0' exited with 1:"
                + " Cannot find device \"nope0\"");
    assertThat(e.exitCode()).isEqualTo(1);
    assertThat(e.stderr()).isEqualTo("Cannot find device \"nope0\"\n");
    assertThat(e.argv()).containsExactly("ip", "addr", "add", "10.99.0.100/24", "dev", "nope0");
  }

  @Test
  void withoutStderrTheMessageEndsAtTheStatus() {
    VipCommandException e =
        VipCommandException.failed("x", new CommandOutcome(List.of("false"), 1, "", "  \n"));
    assertThat(e).hasMessage("x: 'false' exited with 1");
  }

  @Test
  void argumentsThatAreNotPlainAreQuotedAndEscaped() {
    assertThat(VipCommandException.commandLine(List.of("sh", "-c", "echo 'a b'\n", "")))
        .isEqualTo("sh -c 'echo '\\''a b'\\''\\x0a' ''");
  }

  @Test
  void withoutStderrTheMessageQuotesStdout() {
    VipCommandException e =
        VipCommandException.failed(
            "x", new CommandOutcome(List.of("arping"), 2, "Interface \"eth0\" is down\n", ""));
    assertThat(e).hasMessage("x: 'arping' exited with 2 (stdout: Interface \"eth0\" is down)");
    assertThat(e.stderr()).isEmpty();
  }
}
