package io.zferry.service.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessAgeTest {
  /** Fields 3 to 21, then the start time (field 22) and a few more, as the kernel writes them. */
  private static String stat(String name, long startTicks) {
    return "4242 ("
        + name
        + ") S 1 4242 4242 0 -1 4194560 3000 0 0 0 25 7 0 0 20 0 19 0 "
        + startTicks
        + " 4000000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 17408\n";
  }

  @Test
  void theAgeIsTheUptimeLessTheStartTime() {
    assertThat(ProcessAge.parse(stat("java", 1_000_000), "10012.34 19000.00\n"))
        .contains(Duration.ofMillis(12_340));
  }

  @Test
  void aNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    assertThat(ProcessAge.parse(stat("a (b) c", 500), "7.25 1.00\n"))
        .contains(Duration.ofMillis(2_250));
  }

  @Test
  void unreadableInputGivesNoAge() {
    assertThat(ProcessAge.parse("garbage", "1.0 1.0")).isEmpty();
    assertThat(ProcessAge.parse(stat("java", 1_000), "")).isEmpty();
    assertThat(ProcessAge.parse(stat("java", 9_999_999), "5.00 1.00")).isEmpty();
  }

  @Test
  void thisProcessIsYoungerThanTheMachineAndOlderThanNothing() {
    assertThat(ProcessAge.ofThisProcess()).hasValueSatisfying(age -> assertThat(age).isPositive());
  }
}
