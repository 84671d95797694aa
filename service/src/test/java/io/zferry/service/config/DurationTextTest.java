package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationTextTest {
  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "0s, PT0S",
    "5s, PT5S",
    "90s, PT1M30S",
    "15m, PT15M",
    "1h, PT1H",
    "1h30m, PT1H30M",
    "1d, PT24H",
    "7d, PT168H",
    "1d12h, PT36H",
    "2h0m5s, PT2H5S",
    "1m30s250ms, PT1M30.25S",
    "' 15m ', PT15M"
  })
  void parsesOperatorDurations(String text, String iso) {
    assertThat(DurationText.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "15 | '15' has no unit | 15s for seconds, 15m for minutes",
        "1h30 | ends in a number without a unit | 1h30m",
        "1.5h | has a fraction | 1h30m",
        "15M | unknown unit 'M' | lower case",
        "15min | unknown unit 'min' | use ms, s, m, h or d",
        "30m1h | smaller unit before a larger one | largest first",
        "1h1h | repeats a unit | each unit once",
        "-5s | is not a duration | whole number and a unit",
        "1h 30m | is not a duration | whole number and a unit",
        "m | is not a duration | whole number and a unit",
        "99999999999999999999d | too long | whole number and a unit",
        "9999999999999999d | too long | whole number and a unit"
      })
  void refusesWithProblemAndFix(String text, String problem, String fix) {
    assertThatThrownBy(() -> DurationText.parse(text))
        .isInstanceOfSatisfying(
            ConfigValueException.class,
            e -> {
              assertThat(e.problem()).contains(problem);
              assertThat(e.fix()).contains(fix);
            });
  }

  @Test
  void refusesEmptyText() {
    assertThatThrownBy(() -> DurationText.parse(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> DurationText.parse(null)).hasMessageContaining("empty");
  }

  @ParameterizedTest
  @CsvSource({
    "PT0S, 0s",
    "PT0.5S, 500ms",
    "PT5S, 5s",
    "PT15M, 15m",
    "PT1H30M, 1h30m",
    "PT168H, 7d",
    "PT36H0.001S, 1d12h1ms",
    "PT0.0000005S, 0s"
  })
  void formatsTheShortestForm(String iso, String text) {
    assertThat(DurationText.format(Duration.parse(iso))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"500ms", "59s", "1h1m1s1ms", "7d", "100d23h59m59s999ms"})
  void formatAndParseRoundTrip(String text) {
    assertThat(DurationText.format(DurationText.parse(text))).isEqualTo(text);
  }

  @Test
  void refusesToFormatNegativeDurations() {
    assertThatThrownBy(() -> DurationText.format(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
