package io.zferry.service.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "node-a",
        "a",
        "0",
        "Node_B.example",
        "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
      })
  void acceptsNames(String name) {
    assertThat(NodeName.of(name).value()).isEqualTo(name);
    assertThat(ServiceName.of(name).toString()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-a",
        ".a",
        "_a",
        "node a",
        "node/a",
        "node@a",
        "a\nb",
        "nœud",
        "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
      })
  void refusesNames(String name) {
    assertThatThrownBy(() -> NodeName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node name")
        .hasMessageContaining("starting with a letter or a digit")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ServiceName.of(name)).hasMessageContaining("service name");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> new NodeName(null)).hasMessageContaining("(null)");
  }

  @Test
  void sameAsIgnoresCaseButEqualityDoesNot() {
    assertThat(NodeName.of("Node-A").sameAs(NodeName.of("node-a"))).isTrue();
    assertThat(NodeName.of("Node-A")).isNotEqualTo(NodeName.of("node-a"));
    assertThat(ServiceName.of("Tank").sameAs(ServiceName.of("tank"))).isTrue();
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#NAMES")
  void refusesTheInjectionCorpus(String name) {
    assertThatThrownBy(() -> NodeName.of(name)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServiceName.of(name)).isInstanceOf(IllegalArgumentException.class);
  }
}
