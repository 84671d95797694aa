package io.zferry.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.zferry.service.model.NodeName;
import io.zferry.service.model.ServiceName;
import io.zferry.snapshot.zfs.ZfsNames;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns one YAML value into a typed, validated value, or throws a {@link ConfigValueException}
 * saying what is wrong and how to write it.
 */
final class Values {
  /** Reads one YAML value. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(JsonNode node);
  }

  private Values() {}

  /**
   * A text value. Numbers and booleans are refused rather than turned into text, because YAML
   * changes them on the way: {@code yes} becomes true and {@code 1.10} becomes 1.1.
   */
  static Parser<String> text() {
    return node -> {
      if (!node.isTextual()) {
        throw new ConfigValueException(
            describe(node) + ", but text is expected",
            node.isValueNode()
                ? "put the value in quotes"
                : "write a single value, not a list or mapping");
      }
      if (node.textValue().isEmpty()) {
        throw new ConfigValueException("the value is empty", "give a value or remove the key");
      }
      return node.textValue();
    };
  }

  static <T> Parser<T> text(Function<String, T> convert) {
    Parser<String> text = text();
    return node -> convert.apply(text.parse(node));
  }

  static Parser<NodeName> nodeName() {
    return text(value -> new NodeName(Checks.name(null, "node", value)));
  }

  static Parser<ServiceName> serviceName() {
    return text(value -> new ServiceName(Checks.name(null, "service", value)));
  }

  /** One of a few fixed words, such as a fencing policy. */
  static Parser<String> oneOf(List<String> allowed) {
    return text(
        value -> {
          if (!allowed.contains(value)) {
            throw new ConfigValueException(
                ZfsNames.printable(value) + " is not one of " + String.join(", ", allowed),
                "use one of " + String.join(", ", allowed));
          }
          return value;
        });
  }

  /**
   * {@code true} or {@code false}; YAML's other spellings (yes, on, 1) are refused as ambiguous.
   */
  static Parser<Boolean> bool() {
    return node -> {
      if (node.isBoolean()) {
        return node.booleanValue();
      }
      throw new ConfigValueException(
          describe(node) + ", but true or false is expected", "write true or false");
    };
  }

  static Parser<Integer> integer(IntRange range) {
    return node -> {
      long value;
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        value = node.longValue();
      } else if (node.isTextual() && node.textValue().strip().matches("[+-]?[0-9]{1,18}")) {
        value = Long.parseLong(node.textValue().strip());
      } else {
        throw new ConfigValueException(
            describe(node) + ", but a whole number is expected",
            "write a whole number from " + range.min() + " to " + range.max());
      }
      return range.check(null, value);
    };
  }

  /** A duration such as {@code 15m}; a bare number is refused because its unit is a guess. */
  static Parser<Duration> duration(DurationRange range) {
    return node -> {
      if (node.isNumber()) {
        String number = node.asText();
        throw new ConfigValueException(
            number + " has no unit",
            "add one: " + number + "s for seconds, " + number + "m for minutes");
      }
      return range.check(null, DurationText.parse(text().parse(node)));
    };
  }

  /** Bytes per second: a plain whole number, or text such as {@code 100MB/s}. */
  static Parser<Long> byteRate() {
    return node -> {
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return Settings.requireBandwidthLimit(null, node.longValue());
      }
      if (node.isNumber()) {
        throw new ConfigValueException(
            describe(node) + ", but a whole number is expected", ByteRateText.HOW);
      }
      return ByteRateText.parse(text().parse(node));
    };
  }

  static Parser<Path> absolutePath() {
    return text(
        value -> {
          Path path;
          try {
            path = Path.of(value);
          } catch (InvalidPathException e) {
            throw new ConfigValueException(
                ZfsNames.printable(value) + " is not a valid path", "write an absolute path");
          }
          return Checks.absolute(null, path);
        });
  }

  /** "the number 22", "a list", ... for messages about a value of the wrong type. */
  static String describe(JsonNode node) {
    if (node.isObject()) {
      return "the value is a mapping";
    }
    if (node.isArray()) {
      return "the value is a list";
    }
    if (node.isNumber()) {
      return "the value is the number " + node.asText();
    }
    if (node.isBoolean()) {
      return "the value is the boolean "
          + node.asText()
          + " (YAML reads true, false, yes, no, on and off as booleans)";
    }
    if (node.isTextual()) {
      return "the value is the text " + ZfsNames.printable(node.textValue());
    }
    return "the value is " + node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
