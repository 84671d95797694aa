package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sample in packaging/ is the documentation of the configuration format: it must be valid and
 * mention every key the loader knows, so that neither can change without the other.
 */
class SampleConfigTest {
  private static final Path SAMPLE = findSample();

  private static Path findSample() {
    // Surefire runs in the module directory; the sample lives beside it in the project root.
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("packaging/zferry.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "packaging/zferry.yaml not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void theSampleIsAValidTwoNodeConfiguration() {
    ZferryConfig config = ConfigLoader.load(SAMPLE);
    assertThat(config.nodes())
        .extracting(n -> n.name().value())
        .containsExactly("node-a", "node-b");
    assertThat(config.peerOf(NodeName.of("node-a")).address()).isEqualTo("10.99.0.12");
    ServiceConfig tank = config.service(ServiceName.of("tank"));
    assertThat(tank.pool().value()).isEqualTo("tank");
    assertThat(tank.vips()).containsExactly(new Vip("10.99.0.100/24", "eth0"));
  }

  @Test
  void theSampleSetsEveryKeyOrShowsItInAComment() throws Exception {
    String text = Files.readString(SAMPLE);
    Set<String> live = new TreeSet<>();
    collectKeys(new YAMLMapper().readTree(text), "", live);

    assertThat(ConfigSchema.KEYS).as("keys the loader knows").isNotEmpty();
    for (String key : ConfigSchema.KEYS) {
      // The sample documents a service's settings once, under defaults, where they share keys.
      if (live.contains(key) || live.contains(key.replace("services[].settings.", "defaults."))) {
        continue;
      }
      String leaf = key.substring(key.lastIndexOf('.') + 1);
      assertThat(
              Pattern.compile("(?m)^\\s*#\\s*(- )?" + Pattern.quote(leaf) + ":")
                  .matcher(text)
                  .find())
          .as("%s is neither set in the sample nor shown there as a commented-out line", key)
          .isTrue();
    }
    assertThat(live).as("keys the sample sets").isSubsetOf(ConfigSchema.KEYS);
  }

  /**
   * Every key that holds a value (not only further keys) is described by a comment that starts with
   * the key and its type, default and range in parentheses, such as {@code # port (1..65535,
   * default 8330)}.
   */
  @Test
  void theSampleDocumentsEveryValueKey() throws Exception {
    String text = Files.readString(SAMPLE);
    List<String> undocumented =
        ConfigSchema.KEYS.stream()
            .filter(key -> ConfigSchema.childrenOf(key).isEmpty())
            .filter(
                key -> {
                  String leaf = key.substring(key.lastIndexOf('.') + 1);
                  return !Pattern.compile("(?m)^\\s*#\\s*" + Pattern.quote(leaf) + " \\(")
                      .matcher(text)
                      .find();
                })
            .toList();
    assertThat(undocumented).as("keys without a '# key (type, default...)' comment").isEmpty();
  }

  /** Key paths in ConfigSchema's notation, "[]" standing for any list entry. */
  private static void collectKeys(JsonNode node, String path, Set<String> keys) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        keys.add(key);
        collectKeys(field.getValue(), key, keys);
      }
    } else if (node.isArray()) {
      for (JsonNode entry : node) {
        collectKeys(entry, path + "[]", keys);
      }
    }
  }
}
