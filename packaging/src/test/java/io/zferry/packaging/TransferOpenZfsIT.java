package io.zferry.packaging;

import static io.zferry.packaging.OpenZfsNodes.A;
import static io.zferry.packaging.OpenZfsNodes.B;
import static io.zferry.packaging.OpenZfsNodes.awaitOn;
import static io.zferry.packaging.OpenZfsNodes.awaitReplicated;
import static io.zferry.packaging.OpenZfsNodes.journalMark;
import static io.zferry.packaging.OpenZfsNodes.journalSince;
import static io.zferry.packaging.OpenZfsNodes.readJournalSince;
import static io.zferry.packaging.OpenZfsNodes.run;
import static io.zferry.packaging.OpenZfsNodes.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.OpenZfsLab;
import io.zferry.lab.OpenZfsLabExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers that do not go as planned, on kernel OpenZFS with node-a active: a receive killed
 * midway on the passive, and a send killed midway on the active, each resume with {@code zfs send
 * -t} and send again under 10 % of the stream; a resume token whose snapshot is gone on the active
 * is dropped with {@code zfs receive -A} and the next plan runs, whether the send or the receive
 * was killed; a passive whose pool is full frees itself by expiring what the active expired, and
 * goes on.
 */
@ExtendWith(OpenZfsLabExtension.class)
@Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransferOpenZfsIT {
  private static final String BIG = "tank/big";
  private static final long MIB = 1024 * 1024;
  private static final int FILE_MIB = 40;
  private static final String HOLD_TAG = "operator-keeps-this";
  // Killed once this much of the stream went through: about a third of it.
  private static final long KILL_AFTER = 12 * MIB;
  // zferryd's journal lines carry a time, level, thread and logger before the message.
  private static final String RESUMING = "tank/big: resuming an interrupted receive";
  private static final Pattern PULL_BYTES = Pattern.compile(" - pull tank: .*, (\\d+) bytes in ");

  @Test
  @Order(1)
  void aReceiveKilledMidwayResumes(OpenZfsLab lab, @TempDir Path tmp) throws Exception {
    DocumentedInstall.ensure(lab, tmp);
    if (lab.exec(A, "zfs", "list", BIG).exitCode() != 0) {
      run(lab, A, "zfs", "create", BIG);
      awaitReplicated(lab, A, B);
    }
    resumesAfterAKill(lab, B, "receive", "rchar", "received.bin");
  }

  @Test
  @Order(2)
  void aSendKilledMidwayResumes(OpenZfsLab lab) throws Exception {
    resumesAfterAKill(lab, A, "send", "wchar", "sent.bin");
  }

  @Test
  @Order(3)
  void aResumeTokenWhoseSnapshotIsGoneIsDroppedAndTheNextPlanRuns(OpenZfsLab lab) throws Exception {
    String mark = journalMark(lab, B);
    writeOnTheActive(lab, "stale.bin");
    // The active's send is killed and the snapshots it carried destroyed at once, before the
    // passive's next cycle could resume it: the passive keeps a token nobody can serve any more.
    // An incremental of several snapshots (-I FROM TO) may stop in any of them, and the token
    // names that one: every snapshot after FROM, up to TO, goes; FROM, the base, stays.
    Killed killed = killMidway(lab, A, "send", "wchar", DESTROY_WHAT_THE_SEND_CARRIED);
    String token = awaitToken(lab);
    assertThat(lab.exec(A, "zfs", "send", "-nv", "-t", token).exitCode())
        .as("the token's snapshot %s is gone on the active", killed.lastArgument())
        .isNotZero();
    staleTokenDroppedAndReceivedAfresh(lab, mark, "stale.bin");
  }

  @Test
  @Order(4)
  void aPartialReceiveLeftOnThePassiveWhoseSnapshotIsGoneIsAbortedAndTheNextPlanRuns(OpenZfsLab lab)
      throws Exception {
    String mark = journalMark(lab, B);
    writeOnTheActive(lab, "stale-receive.bin");
    // This time the receive is killed on the passive, leaving its partial state behind; then the
    // snapshot that state leads to goes on the active (its retention, or an operator), before the
    // passive's next cycle could resume.
    killMidway(lab, B, "receive", "rchar", "");
    String token = awaitToken(lab);
    String to = tokenTarget(lab, token);
    // The active's send, cut by the kill, may still hold it for a moment.
    lab.shell(A, DESTROY_ONCE_RELEASED + "; destroy '" + to + "'");
    assertThat(lab.exec(A, "zfs", "send", "-nv", "-t", token).exitCode())
        .as("the token's snapshot %s is gone on the active", to)
        .isNotZero();
    staleTokenDroppedAndReceivedAfresh(lab, mark, "stale-receive.bin");
  }

  /**
   * The passive drops its stale partial receive ({@code zfs receive -A}), says so, and the next
   * plan brings the file and every dataset to the active's newest snapshot.
   */
  private static void staleTokenDroppedAndReceivedAfresh(OpenZfsLab lab, String mark, String file)
      throws InterruptedException {
    awaitOn(
        lab,
        B,
        "the stale token dropped and tank/big received afresh",
        () -> readJournalSince(lab, B, mark),
        // Where the killed -I stream had applied some of its snapshots before the cut, the
        // passive drops those (the active destroyed them) with the partial receive; otherwise
        // it finds the token stale and drops the partial receive alone.
        out ->
            out.contains("the resume token is stale")
                || out.contains("the source destroyed them while they were being received"));
    awaitReplicated(lab, A, B);
    assertThat(run(lab, B, "zfs", "get", "-H", "-o", "value", "receive_resume_token", BIG).stdout())
        .isEqualTo("-\n");
    assertThat(sha256(lab, B, "/tank/big/" + file)).isEqualTo(sha256(lab, A, "/tank/big/" + file));
    System.out.println(
        journalSince(lab, B, mark)
            .lines()
            .filter(
                l ->
                    l.contains("stale")
                        || l.contains("destroyed them")
                        || l.contains(" - pull tank: "))
            .reduce("", (a, b) -> a + b + "\n"));
  }

  @Test
  @Order(5)
  void aFullPassiveFreesItselfByExpiryAndGoesOn(OpenZfsLab lab) throws Exception {
    // 40 MiB reach the passive, then are deleted on the active: only snapshots hold them now.
    writeOnTheActive(lab, "fill.bin");
    awaitReplicated(lab, A, B);
    String holdingFill = newestSnapshot(lab, B, BIG);
    // The active's retention (8 snapshots, 15 s apart) would expire it within two minutes: before
    // the passive's pool is made full and tried, on a slow guest, and then nothing would be
    // refused. An operator's hold keeps it on the active, so on the passive too, until released.
    run(lab, A, "zfs", "hold", HOLD_TAG, holdingFill);
    try {
      run(lab, A, "rm", "/tank/big/fill.bin");
      Thread.sleep(16_000); // the next snapshot round, without the file
      awaitReplicated(lab, A, B);
      passiveFullUntilExpiry(lab, holdingFill);
    } finally {
      lab.exec(A, "zfs", "release", HOLD_TAG, holdingFill);
    }
  }

  private static void passiveFullUntilExpiry(OpenZfsLab lab, String holdingFill)
      throws InterruptedException {
    // The passive's pool is full for a second 40 MiB unless the snapshots holding fill.bin go.
    long used =
        Long.parseLong(
            run(lab, B, "zfs", "get", "-H", "-p", "-o", "value", "used", "tank").stdout().strip());
    run(lab, B, "zfs", "set", "quota=" + (used + 24 * MIB), "tank");
    try {
      String mark = journalMark(lab, B);
      writeOnTheActive(lab, "after-full.bin");
      String sum = sha256(lab, A, "/tank/big/after-full.bin");
      awaitOn(
          lab,
          B,
          "a receive refused for lack of space on the passive",
          () -> readJournalSince(lab, B, mark),
          out -> out.contains("quota") || out.contains("space"),
          OpenZfsNodes.REPLICATED_WITHIN);
      assertThat(lab.exec(B, "zfs", "list", holdingFill).exitCode())
          .as("%s, held on the active, is still on the passive while the pool is full", holdingFill)
          .isZero();
      // Released, the active's retention (8 snapshots) drops it at its next round; the passive
      // expires it too, before its next transfer, and the file arrives.
      run(lab, A, "zfs", "release", HOLD_TAG, holdingFill);
      awaitOn(
          lab,
          B,
          "after-full.bin on the passive once expiry made room",
          () -> lab.exec(B, "sha256sum", "/tank/big/after-full.bin"),
          out -> out.contains(sum),
          Duration.ofMinutes(6));
      assertThat(lab.exec(B, "zfs", "list", holdingFill).exitCode())
          .as("%s, which held the deleted file, was expired on the passive", holdingFill)
          .isNotZero();
      System.out.println(
          journalSince(lab, B, mark)
              .lines()
              .filter(
                  l -> l.contains(" - pull tank: ") || l.contains("quota") || l.contains("space"))
              .reduce("", (a, b) -> a + b + "\n"));
    } finally {
      run(lab, B, "zfs", "set", "quota=none", "tank");
    }
  }

  private static void resumesAfterAKill(
      OpenZfsLab lab, String node, String verb, String ioField, String file) throws Exception {
    String mark = journalMark(lab, B);
    String sum = writeOnTheActive(lab, file);
    Killed killed = killMidway(lab, node, verb, ioField, "");
    String from = newestSnapshot(lab, B, BIG);
    String token = awaitToken(lab);
    String to = tokenTarget(lab, token);
    // Measured now, while both snapshots are still within the active's retention.
    long stream = streamBytes(lab, from, to);

    awaitOn(
        lab,
        B,
        file + " on the passive with the active's sha256",
        () -> lab.exec(B, "sha256sum", "/tank/big/" + file),
        out -> out.contains(sum));
    // The file is there once tank/big is received; the pull's report follows the pool's other
    // datasets, a minute later in VMs under TCG.
    awaitOn(
        lab,
        B,
        "the report of the pull that resumed tank/big",
        () -> readJournalSince(lab, B, mark),
        out -> resumingPullBytes(out.lines().toList()).isPresent());
    List<String> journal = journalSince(lab, B, mark).lines().toList();
    long resumed = bytesOfTheResumingPull(journal);
    long resent = killed.bytes() + resumed - stream;
    System.out.printf(
        "resume after the %s was killed (OpenZFS %s): stream %d B (%s -> %s), %d B through before"
            + " the kill, %d B in the resumed pull, so %d B (%.2f %%) sent twice%n",
        verb,
        lab.version(),
        stream,
        from,
        to,
        killed.bytes(),
        resumed,
        resent,
        100.0 * resent / stream);
    assertThat(resumed).as("the resumed pull sent the rest, not all again").isLessThan(stream);
    assertThat(resent).as("bytes sent twice").isLessThan(stream / 10);
  }

  /** 40 MiB of random data in a new file of tank/big on the active; returns its sha256. */
  private static String writeOnTheActive(OpenZfsLab lab, String file) {
    // Written aside, then copied in at once, so that one snapshot holds the whole file.
    lab.shell(
        A,
        "head -c "
            + FILE_MIB * MIB
            + " /dev/urandom > /root/staged.bin && cp /root/staged.bin /tank/big/"
            + file
            + " && rm /root/staged.bin");
    return sha256(lab, A, "/tank/big/" + file);
  }

  /** What was killed: its bytes read or written by then, and its command line. */
  private record Killed(long bytes, String commandLine) {
    String lastArgument() {
      String[] words = commandLine.strip().split(" ");
      return words[words.length - 1];
    }
  }

  /**
   * A shell function, {@code destroy SNAPSHOT}, that waits out a killed send: {@code zfs send}
   * holds each snapshot it carries (temporary holds, {@code .send-PID-1}) until the kernel has
   * ended the send, and until then a destroy is refused as busy. It gives up, and fails the script,
   * after 30 s.
   */
  private static final String DESTROY_ONCE_RELEASED =
      "destroy() { i=0; while ! zfs destroy \"$1\" 2>/dev/null; do"
          + " zfs list -H -o name \"$1\" >/dev/null 2>&1 || return 0;"
          + " i=$((i + 1)); [ $i -lt 150 ] || { echo \"$1 still held after 30 s\" >&2; exit 1; };"
          + " sleep 0.2; done; }";

  /** For {@link #killMidway}'s script: $c is the killed send's command line, $last its TO. */
  private static final String DESTROY_WHAT_THE_SEND_CARRIED =
      String.join(
          "; ",
          DESTROY_ONCE_RELEASED,
          "ds=${last%@*}",
          "base=$(echo \"$c\" | awk '{print $(NF-1)}')",
          "case \"$base\" in \"$ds\"@*) after=0;"
              + " for s in $(zfs list -H -o name -t snapshot -s createtxg \"$ds\"); do"
              + " [ $after = 1 ] && destroy \"$s\";"
              + " [ \"$s\" = \"$base\" ] && after=1;"
              + " [ \"$s\" = \"$last\" ] && break;"
              + " done ;;"
              + " *) destroy \"$last\" ;; esac");

  /**
   * How long {@link #killMidway} waits for the transfer to pass its mark: a pull cycle of eight
   * datasets took up to 5 minutes in the 1-vCPU TCG guests before it reached tank/big.
   */
  private static final Duration KILL_WITHIN = Duration.ofMinutes(8);

  /**
   * Kills (SIGKILL) the node's {@code zfs send} or {@code zfs receive} of tank/big once it has
   * passed {@link #KILL_AFTER} bytes, then runs {@code andThen} with {@code $last} set to its last
   * argument.
   */
  private static Killed killMidway(
      OpenZfsLab lab, String node, String verb, String ioField, String andThen) {
    String match =
        verb.equals("send") ? "*\" send \"*\" tank/big@\"*" : "*\" receive \"*\" tank/big \"";
    String out =
        lab.shell(
                node,
                String.join(
                    "\n",
                    "end=$(( $(date +%s) + " + KILL_WITHIN.toSeconds() + " ))",
                    "while [ $(date +%s) -lt $end ]; do",
                    "  for p in $(pgrep -x zfs); do",
                    "    c=$(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null) || continue",
                    "    case \"$c\" in " + match + ") ;; *) continue ;; esac",
                    "    while n=$(awk '/^"
                        + ioField
                        + ":/{print $2}' /proc/$p/io 2>/dev/null)"
                        + " && [ -n \"$n\" ]; do",
                    "      if [ \"$n\" -ge " + KILL_AFTER + " ]; then",
                    "        kill -9 $p",
                    "        last=${c% }; last=${last##* }",
                    "        " + (andThen.isEmpty() ? "true" : andThen),
                    "        echo \"$n $c\"; exit 0",
                    "      fi",
                    "      sleep 0.05",
                    "    done",
                    "  done",
                    "  sleep 0.1",
                    "done",
                    "echo 'no zfs " + verb + " of tank/big passed " + KILL_AFTER + " bytes' >&2",
                    "exit 1"),
                // The script's own limit says what it waited for; the command's must not cut it.
                KILL_WITHIN.plusMinutes(1))
            .stdout()
            .strip();
    int space = out.indexOf(' ');
    Killed killed = new Killed(Long.parseLong(out.substring(0, space)), out.substring(space + 1));
    System.out.printf("%s: killed at %d bytes: %s%n", node, killed.bytes(), killed.commandLine());
    return killed;
  }

  /** The passive's resume token of tank/big, once the interrupted receive has left one. */
  private static String awaitToken(OpenZfsLab lab) throws InterruptedException {
    String[] get = {"zfs", "get", "-H", "-o", "value", "receive_resume_token", BIG};
    awaitOn(
        lab,
        B,
        "a resume token on tank/big",
        () -> lab.exec(B, get),
        out -> !out.isBlank() && !out.strip().equals("-"),
        Duration.ofSeconds(30));
    return run(lab, B, get).stdout().strip();
  }

  /** The snapshot a resume token leads to, as the active reads it. */
  private static String tokenTarget(OpenZfsLab lab, String token) {
    var result = run(lab, A, "zfs", "send", "-nv", "-t", token);
    Matcher m = Pattern.compile("toname = (\\S+)").matcher(result.stdout() + result.stderr());
    assertThat(m.find()).as("zfs send -nv -t names the target: %s", result).isTrue();
    return m.group(1);
  }

  private static String newestSnapshot(OpenZfsLab lab, String node, String dataset) {
    List<String> names =
        run(
                lab,
                node,
                "zfs",
                "list",
                "-H",
                "-o",
                "name",
                "-t",
                "snapshot",
                "-s",
                "createtxg",
                dataset)
            .stdout()
            .lines()
            .toList();
    return names.get(names.size() - 1);
  }

  /** The bytes of the first pull that resumed tank/big, from zferryd's journal on the passive. */
  private static long bytesOfTheResumingPull(List<String> journal) {
    assertThat(journal.stream().anyMatch(line -> line.contains(RESUMING)))
        .as("the passive resumed the receive:%n%s", journal)
        .isTrue();
    return resumingPullBytes(journal)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no pull report after the resume:\n" + String.join("\n", journal)));
  }

  /** The bytes the first pull report after the resume of tank/big names, if one is logged yet. */
  private static Optional<Long> resumingPullBytes(List<String> journal) {
    boolean resuming = false;
    for (String line : journal) {
      resuming |= line.contains(RESUMING);
      Matcher m = PULL_BYTES.matcher(line);
      if (resuming && m.find()) {
        return Optional.of(Long.parseLong(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /** The exact size of the stream the pair sends from one snapshot to another, on the active. */
  private static long streamBytes(OpenZfsLab lab, String from, String to) {
    String letters =
        run(lab, B, "zfs", "get", "-H", "-o", "value", "io.zferry:sendflags", BIG).stdout().strip();
    StringBuilder flags = new StringBuilder();
    for (String letter : letters.split(",")) {
      if (!letter.isBlank() && !letter.equals("-")) {
        flags.append(" -").append(letter.strip());
      }
    }
    String out =
        lab.shell(A, "zfs send" + flags + " -I " + from + " " + to + " | wc -c").stdout().strip();
    return Long.parseLong(out);
  }
}
