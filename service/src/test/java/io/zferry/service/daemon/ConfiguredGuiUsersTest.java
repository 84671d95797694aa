package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.config.ApiUser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GUI finds a configured user whatever the case of the name typed at login. */
class ConfiguredGuiUsersTest {
  private static final String HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";

  @Test
  void aNameMatchesWhateverItsCase() {
    ConfiguredGuiUsers users = new ConfiguredGuiUsers(List.of(new ApiUser("Alice", HASH)));
    assertThat(users.passwordHash("alice")).contains(HASH);
    assertThat(users.passwordHash("ALICE")).contains(HASH);
    assertThat(users.passwordHash("bob")).isEmpty();
    assertThat(users.none()).isFalse();
  }

  @Test
  void noUsersConfiguredIsSaid() {
    assertThat(new ConfiguredGuiUsers(List.of()).none()).isTrue();
  }
}
