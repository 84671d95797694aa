package io.zferry.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zferry.snapshot.zfs.ZfsNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One YAML mapping being read into a record. Reading never stops at a bad value: each problem is
 * recorded with its key path and the reader returns null for that value, so that the caller can go
 * on and report everything in one pass. A caller builds its record only when none of its values is
 * null.
 */
final class YamlSection {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final String path;
  private final String schemaPath;
  private final ObjectNode node;
  private final List<ConfigProblem> problems;
  private final Set<String> allowed;

  private YamlSection(
      String path, String schemaPath, ObjectNode node, List<ConfigProblem> problems) {
    this.path = path;
    this.schemaPath = schemaPath;
    this.node = node;
    this.problems = problems;
    this.allowed = ConfigSchema.childrenOf(schemaPath);
  }

  static YamlSection root(ObjectNode node, List<ConfigProblem> problems) {
    return new YamlSection("", "", node, problems);
  }

  /** True if all values are present, i.e. none failed to read. */
  static boolean present(Object... values) {
    for (Object value : values) {
      if (value == null) {
        return false;
      }
    }
    return true;
  }

  /** The path of {@code key} (a key or a relative key path such as {@code users[1].name}). */
  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** True if {@code key} is given a value (an explicit null counts as not given). */
  boolean has(String key) {
    JsonNode value = node.get(known(key));
    return value != null && !value.isNull();
  }

  void problem(String key, String problem, String fix) {
    problems.add(new ConfigProblem(key == null ? path : pathOf(key), problem, fix));
  }

  <T> T required(String key, Values.Parser<T> parser, String missingFix) {
    if (!has(key)) {
      problem(key, "missing", missingFix);
      return null;
    }
    return read(key, node.get(key), parser);
  }

  <T> T optional(String key, T defaultValue, Values.Parser<T> parser) {
    return has(key) ? read(key, node.get(key), parser) : defaultValue;
  }

  /** A list of values, empty if absent; null if it or any entry is bad. */
  <T> List<T> optionalList(String key, Values.Parser<T> parser) {
    return has(key) ? readList(key, parser) : List.of();
  }

  <T> List<T> requiredList(String key, Values.Parser<T> parser, String missingFix) {
    if (!has(key)) {
      problem(key, "missing", missingFix);
      return null;
    }
    return readList(key, parser);
  }

  /**
   * True if {@code key} holds {@code off} or {@code false} instead of its mapping: a feature that
   * is on by default, switched off by name.
   */
  boolean switchedOff(String key) {
    JsonNode value = node.get(known(key));
    return value != null
        && (value.isBoolean() && !value.booleanValue()
            || value.isTextual()
                && (value.textValue().equalsIgnoreCase("off")
                    || value.textValue().equalsIgnoreCase("false")));
  }

  /** The mapping under {@code key}; empty if absent, so that its defaults apply; null if bad. */
  YamlSection section(String key) {
    String schemaKey = childSchema(key);
    if (!has(key)) {
      return new YamlSection(
          pathOf(key), schemaKey, JsonNodeFactory.instance.objectNode(), problems);
    }
    JsonNode value = node.get(key);
    if (!value.isObject()) {
      problem(
          key,
          Values.describe(value) + ", but a mapping of keys is expected",
          "put the keys of " + key + " on the lines below it, indented");
      return null;
    }
    return new YamlSection(pathOf(key), schemaKey, (ObjectNode) value, problems);
  }

  /**
   * The list of mappings under {@code key}; empty if absent; null if it is not a list. An entry
   * that is not a mapping is reported and stands as null in the result.
   */
  List<YamlSection> sections(String key) {
    if (!has(key)) {
      return List.of();
    }
    JsonNode value = node.get(key);
    if (!value.isArray()) {
      problem(
          key,
          Values.describe(value) + ", but a list is expected",
          "write one entry per line, each starting with '- '");
      return null;
    }
    List<YamlSection> entries = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode entry = value.get(i);
      String entryPath = pathOf(key) + "[" + i + "]";
      if (entry.isObject()) {
        entries.add(
            new YamlSection(entryPath, childSchema(key) + "[]", (ObjectNode) entry, problems));
      } else {
        problems.add(
            new ConfigProblem(
                entryPath,
                Values.describe(entry) + ", but a mapping of keys is expected",
                "write the entry's keys after '- ', one per line"));
        entries.add(null);
      }
    }
    return entries;
  }

  /**
   * Runs a record constructor and returns the record, or records the problem it refused with at the
   * key it names (or at this section) and returns null.
   */
  <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (ConfigValueException e) {
      problem(e.key(), e.problem(), e.fix());
      return null;
    }
  }

  /** Reports every key of this mapping that zferry does not know, suggesting the nearest one. */
  void finish() {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (allowed.contains(key)) {
        continue;
      }
      String fix =
          ConfigSchema.nearest(key, allowed)
              .map(k -> "did you mean '" + k + "'?")
              .orElseGet(
                  () ->
                      allowed.isEmpty()
                          ? "remove it"
                          : "remove it; the keys allowed here are " + String.join(", ", allowed));
      // The key comes from the file: quoted and escaped unless plain, so it cannot forge a line.
      String shown = PLAIN_KEY.matcher(key).matches() ? key : ZfsNames.printable(key);
      problems.add(new ConfigProblem(pathOf(shown), "unknown key", fix));
    }
  }

  private <T> T read(String key, JsonNode value, Values.Parser<T> parser) {
    try {
      return parser.parse(value);
    } catch (ConfigValueException e) {
      problem(key, e.problem(), e.fix());
      return null;
    }
  }

  private <T> List<T> readList(String key, Values.Parser<T> parser) {
    JsonNode value = node.get(key);
    if (!value.isArray()) {
      problem(
          key,
          Values.describe(value) + ", but a list is expected",
          "write a list, such as [a, b], or one '- ' entry per line");
      return null;
    }
    List<T> result = new ArrayList<>();
    boolean complete = true;
    for (int i = 0; i < value.size(); i++) {
      T item = read(key + "[" + i + "]", value.get(i), parser);
      complete &= item != null;
      result.add(item);
    }
    return complete ? result : null;
  }

  /** Fails fast on a key the schema lacks: that is a bug in the loader, not in the file. */
  private String known(String key) {
    if (!allowed.contains(key)) {
      throw new IllegalStateException(
          "the loader reads '" + key + "' under '" + schemaPath + "', which ConfigSchema lacks");
    }
    return key;
  }

  private String childSchema(String key) {
    known(key);
    return schemaPath.isEmpty() ? key : schemaPath + "." + key;
  }
}
