package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GuidTest {
  @Test
  void keepsTheFullUnsignedRange() {
    Guid guid = Guid.parse("18446744073709551615");
    assertThat(guid.value()).isEqualTo(-1L);
    assertThat(guid).hasToString("18446744073709551615");
  }

  @Test
  void refusesAbbreviatedGuids() {
    assertThatThrownBy(() -> Guid.parse("7.66E")).hasMessageContaining("exact unsigned");
  }
}
