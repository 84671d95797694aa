package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternsTest {

  @ParameterizedTest(name = "''{0}'' vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "node-a | node-a | true",
        "node-a | node-b | false",
        "NODE-A | node-a | true",
        "node-a | NODE-A | true",
        "node-b,node-a,10.0.0.1 | node-a | true",
        "node-b,10.0.0.1 | node-a | false",
        "[127.0.0.1]:22011 | [127.0.0.1]:22011 | true",
        "[127.0.0.1]:22011 | 127.0.0.1 | false",
        "[127.0.0.1]:22011 | [127.0.0.1]:22012 | false",
        "127.0.0.1 | [127.0.0.1]:22011 | false",
        "node-* | node-a | true",
        "node-? | node-ab | false",
        "node-?? | node-ab | true",
        "*.lab | node-a.lab | true",
        "*.lab | node-a.lab.evil | false",
        "[127.0.0.1]:* | [127.0.0.1]:22011 | true",
        "* | anything | true",
        "!node-a,node-* | node-a | false",
        "!node-a,node-* | node-b | true",
        "node-*,!node-a | node-a | false",
        // A negation never matches on its own (sshj's matcher gets this wrong).
        "!evil | node-a | false",
        "!evil | evil | false",
        "node.a | nodexa | false",
        "a+b | a+b | true",
        "a+b | aab | false"
      })
  void matchesLikeOpenSsh(String field, String host, boolean expected) {
    assertThat(HostPatterns.matches(field, host)).isEqualTo(expected);
  }

  /** Written by {@code ssh-keygen -H} (OpenSSH 9.2) for "node-a" and "[127.0.0.1]:22011". */
  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "|1|bEhKTjWec/ZtgjrwDqojI+2F1dc=|4HjNGp/aJfltDqZh1MXazw5DjVQ= ; node-a ; true",
        "|1|bEhKTjWec/ZtgjrwDqojI+2F1dc=|4HjNGp/aJfltDqZh1MXazw5DjVQ= ; NODE-A ; true",
        "|1|bEhKTjWec/ZtgjrwDqojI+2F1dc=|4HjNGp/aJfltDqZh1MXazw5DjVQ= ; node-b ; false",
        "|1|1DgHnRuFWaOejNTTFueJEYHBKgI=|GlRYimq7fDMjCCwjzNePNZgK87E= ; [127.0.0.1]:22011 ; true",
        "|1|1DgHnRuFWaOejNTTFueJEYHBKgI=|GlRYimq7fDMjCCwjzNePNZgK87E= ; 127.0.0.1 ; false",
        "|2|bEhKTjWec/ZtgjrwDqojI+2F1dc=|4HjNGp/aJfltDqZh1MXazw5DjVQ= ; node-a ; false",
        "|1|not base64!|4HjNGp/aJfltDqZh1MXazw5DjVQ= ; node-a ; false",
        "|1|bEhKTjWec/ZtgjrwDqojI+2F1dc= ; node-a ; false"
      })
  void matchesHashedNamesFromSshKeygen(String field, String host, boolean expected) {
    assertThat(HostPatterns.matches(field, host)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"node-a", "[10.0.0.1]:2222"})
  void hashesWhatItMatches(String host) {
    String hashed =
        HostPatterns.hash(host, "sixteen byte salt!!!".getBytes(StandardCharsets.UTF_8));

    assertThat(hashed).startsWith("|1|");
    assertThat(HostPatterns.matches(hashed, host)).isTrue();
    assertThat(HostPatterns.matches(hashed, host + "x")).isFalse();
  }
}
