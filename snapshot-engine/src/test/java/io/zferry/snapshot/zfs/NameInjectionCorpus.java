package io.zferry.snapshot.zfs;

import java.util.List;

/** Names an attacker or a careless operator might hand to zferry; every one must be refused. */
public final class NameInjectionCorpus {
  private NameInjectionCorpus() {}

  public static final List<String> DATASETS =
      List.of(
          "tank;rm -rf /",
          "tank/$(reboot)",
          "tank/`id`",
          "tank/'quoted'",
          "tank/\"double\"",
          "tank/line\nbreak",
          "tank/carriage\rreturn",
          "tank/../etc",
          "tank/./here",
          "tank/with space",
          "tank/percent%s",
          "tank/pipe|cat",
          "tank/amp&bg",
          "tank/redirect>out",
          "tank/glob*",
          "tank/tab\there",
          "tank/nul\0byte",
          "tank/\u0430lpha", // Cyrillic a, a look-alike of Latin a
          "tank/fullwidth\uff1b", // fullwidth semicolon
          "tank//double-slash",
          "tank/trailing/",
          "/tank",
          "-tank",
          "",
          "mirror",
          "c0t0d0",
          "tank/" + "x".repeat(300));

  public static final List<String> SNAPSHOT_SHORT_NAMES =
      List.of(
          "snap;id",
          "$(id)",
          "`id`",
          "a b",
          "..",
          "new\nline",
          "x@y",
          "a/b",
          "pct%",
          "",
          "quote'",
          "x".repeat(300));
}
