package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRateTextTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1500, 1500",
    "1500B, 1500",
    "500kB/s, 500000",
    "100MB/s, 100000000",
    "100 MB/s, 100000000",
    "1GB, 1000000000",
    "2TB/s, 2000000000000",
    "20MiB, 20971520",
    "1KiB/s, 1024",
    "1GiB/s, 1073741824"
  })
  void parsesRates(String text, long bytesPerSecond) {
    assertThat(ByteRateText.parse(text)).isEqualTo(bytesPerSecond);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "100Mbit/s | looks like bits",
        "100Mb | looks like bits",
        "1.5GB | is not a rate",
        "fast | is not a rate",
        "-1MB | is not a rate",
        "10XB | unknown unit 'XB'",
        "99999999TiB | too large"
      })
  void refuses(String text, String problem) {
    assertThatThrownBy(() -> ByteRateText.parse(text))
        .isInstanceOfSatisfying(
            ConfigValueException.class, e -> assertThat(e.problem()).contains(problem));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1B/s",
    "1000, 1kB/s",
    "1024, 1KiB/s",
    "100000000, 100MB/s",
    "20971520, 20MiB/s",
    "1500, 1500B/s"
  })
  void formats(long bytesPerSecond, String text) {
    assertThat(ByteRateText.format(bytesPerSecond)).isEqualTo(text);
    assertThat(ByteRateText.parse(text)).isEqualTo(bytesPerSecond);
  }
}
