package io.zferry.service.config;

import io.zferry.service.model.Names;
import io.zferry.snapshot.zfs.ZfsNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Validations shared by several configuration records. */
final class Checks {
  private Checks() {}

  /**
   * Returns {@code path} if it is absolute. The daemon's working directory is whatever systemd or
   * the shell gave it, so a relative path would name a different file in each.
   */
  static Path absolute(String key, Path path) {
    Objects.requireNonNull(path, key);
    if (!path.isAbsolute()) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(path.toString()) + " is a relative path",
          "write the full path, starting with '/'");
    }
    return path;
  }

  static List<Path> absolute(String key, List<Path> paths) {
    List<Path> copy = List.copyOf(paths);
    for (int i = 0; i < copy.size(); i++) {
      absolute(key + "[" + i + "]", copy.get(i));
    }
    return copy;
  }

  static String name(String key, String kind, String value) {
    try {
      return Names.require(kind, value);
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException(
          key,
          ZfsNames.printable(value) + " is not a valid " + kind + " name",
          "use " + Names.RULE);
    }
  }
}
