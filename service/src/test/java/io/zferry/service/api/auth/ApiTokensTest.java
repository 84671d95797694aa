package io.zferry.service.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTokensTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final ApiToken peer = ApiToken.generate("peer", RANDOM);
  private final ApiToken cli = ApiToken.generate("cli", RANDOM);
  private final ApiToken gui = ApiToken.generate("gui", RANDOM);
  private final ApiTokens tokens = new ApiTokens(List.of(peer, cli, gui));

  @Test
  void aGeneratedTokenIs32RandomBytesInBase64Url() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String secret = ApiToken.generate("cli", RANDOM).secret();
      assertThat(secret).hasSize(43).matches("[A-Za-z0-9_-]+");
      assertThat(java.util.Base64.getUrlDecoder().decode(secret)).hasSize(32);
      seen.add(secret);
    }
    assertThat(seen).hasSize(100);
  }

  @Test
  void neitherATokenNorTheSetShowsASecretWhenPrinted() {
    assertThat(peer.toString()).contains("peer").doesNotContain(peer.secret());
    assertThat(tokens.toString())
        .contains("peer", "cli", "gui")
        .doesNotContain(peer.secret(), cli.secret(), gui.secret());
  }

  @Test
  void eachTokenAuthenticatesAsItsOwnLabelWhereverItIsInTheList() {
    assertThat(tokens.labelOf(peer.secret())).contains("peer");
    assertThat(tokens.labelOf(cli.secret())).contains("cli");
    assertThat(tokens.labelOf(gui.secret())).contains("gui");
  }

  @Test
  void anythingButAnExactTokenIsRefused() {
    String s = cli.secret();
    List<String> wrong =
        List.of(
            "",
            " ",
            s.substring(0, s.length() - 1),
            s + "A",
            s.substring(1),
            " " + s,
            s.toUpperCase(java.util.Locale.ROOT).equals(s) ? s.toLowerCase() : s.toUpperCase(),
            flipLastCharacter(s),
            ApiToken.generate("cli", RANDOM).secret(),
            "x".repeat(10_000));
    for (String candidate : wrong) {
      assertThat(tokens.labelOf(candidate)).as("%.20s...", candidate).isEmpty();
    }
    assertThat(tokens.labelOf(null)).isEmpty();
  }

  @Test
  void theClientTokenIsTheOneWithTheLabelElseTheFirst() {
    assertThat(tokens.forClient("cli")).isEqualTo(cli);
    assertThat(tokens.forClient("peer")).isEqualTo(peer);
    assertThat(tokens.forClient("nobody")).isEqualTo(peer);
    assertThat(new ApiTokens(List.of(gui, cli)).forClient("peer")).isEqualTo(gui);
  }

  @Test
  void aSetNeedsATokenAndUniqueLabelsAndSecrets() {
    assertThatThrownBy(() -> new ApiTokens(List.of())).hasMessageContaining("no API token");
    assertThatThrownBy(() -> new ApiTokens(List.of(cli, ApiToken.generate("cli", RANDOM))))
        .hasMessageContaining("cli");
    assertThatThrownBy(() -> new ApiTokens(List.of(cli, new ApiToken("other", cli.secret()))))
        .hasMessageContaining("twice")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(cli.secret()));
  }

  @Test
  void aTokenNeedsAValidLabelAndAStrongWellFormedSecret() {
    assertThatThrownBy(() -> new ApiToken("bad label", cli.secret()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApiToken("cli", "short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("short");
    String plus = "+".repeat(43);
    assertThatThrownBy(() -> new ApiToken("cli", plus)).hasMessageNotContaining(plus);
    assertThat(new ApiToken("cli", "a".repeat(43)).secret()).hasSize(43);
  }

  private static String flipLastCharacter(String s) {
    char last = s.charAt(s.length() - 1);
    return s.substring(0, s.length() - 1) + (last == 'A' ? 'B' : 'A');
  }
}
