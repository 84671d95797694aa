package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizedKeyTest {
  private static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGbq4sNJWEdHqIm3XG6KLSv4Egt6Su0gSRk9Jnbo3XlF";

  @Test
  void forcesServeAndRestrictsEverythingElse() {
    assertThat(AuthorizedKey.line(ED25519 + " zferry@node-a\n", "/usr/bin/zferry serve"))
        .isEqualTo("command=\"/usr/bin/zferry serve\",restrict " + ED25519 + " zferry@node-a");
  }

  @Test
  void dropsACommentThatCouldConfuseTheFile() {
    assertThat(AuthorizedKey.line(ED25519 + " a\"b", "/usr/bin/zferry serve"))
        .isEqualTo("command=\"/usr/bin/zferry serve\",restrict " + ED25519);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zferry serve",
        "/usr/bin/zferry serve\"",
        "/usr/bin/zferry serve; id",
        "/usr/bin/zferry serve $(id)",
        "/usr/bin/zferry\nserve",
        "/usr/bin/zferry serve\",no-restrict"
      })
  void refusesAServeCommandThatIsNotAPlainPath(String command) {
    assertThatThrownBy(() -> AuthorizedKey.line(ED25519, command))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an absolute path");
  }

  @Test
  void refusesAMalformedKey() {
    assertThatThrownBy(() -> AuthorizedKey.line("ssh-rsa " + ED25519.split(" ")[1], "/x serve"))
        .hasMessageContaining("holds a ssh-ed25519 key, not ssh-rsa");
    assertThatThrownBy(() -> AuthorizedKey.line("ssh-ed25519 !!!", "/x serve"))
        .hasMessageContaining("base64");
  }
}
