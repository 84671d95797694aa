package io.zferry.vip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Command output captured from the lab (see the files under src/test/resources/io/zferry/vip). */
final class Captured {
  private Captured() {}

  static String text(String name) {
    try (InputStream in = Captured.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no captured output " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String ipAddr(String name) {
    return text("ip-addr/" + name + ".json");
  }

  static String arping(String name) {
    return text("arping/" + name + ".txt");
  }
}
