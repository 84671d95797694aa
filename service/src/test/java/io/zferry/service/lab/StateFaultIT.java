package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.host.CommandResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node's own state: its database deleted, locked or corrupted, its clock jumping, its
 * configuration garbage or truncated. A node that cannot trust its state must refuse to start with
 * an error naming the file and the fix, and the other node must go on serving.
 */
class StateFaultIT extends FaultSuiteBase {
  private static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

  private void removeDatabase(String node) throws IOException {
    Path db = s.cluster().stateDb(node);
    Files.deleteIfExists(db);
    Files.deleteIfExists(Path.of(db + "-wal"));
    Files.deleteIfExists(Path.of(db + "-shm"));
  }

  @Test
  @DisplayName("state database deleted")
  void stateDatabaseDeleted() throws Exception {
    start();
    s.beforeFault("node-b");
    removeDatabase("node-a");
    s.cluster().stop("node-a");
    CommandResult refused = s.cluster().runRefused("node-a");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr())
        .contains(s.cluster().stateDb("node-a").toString(), "does not exist", "--init-state");
    assertThat(s.cluster().stateDb("node-a")).as("nothing was guessed").doesNotExist();
    s.cluster().start("node-a", "--init-state");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("state database locked by another process")
  void stateDatabaseLockedByAnotherProcess() throws Exception {
    start();
    s.beforeFault("node-b");
    Path db = s.cluster().stateDb("node-b");
    // Another process (this test JVM) holds SQLite's write lock on node-b's database.
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = other.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
      st.execute("BEGIN EXCLUSIVE");
      // The running daemon cannot record anything meanwhile: it must go on, not act blind.
      sleep(Duration.ofSeconds(8));
      assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
      s.cluster().stop("node-b");
      CommandResult refused = s.cluster().runRefused("node-b");
      assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(1);
      assertThat(refused.stderr()).contains(db.toString()).containsIgnoringCase("lock");
      st.execute("ROLLBACK");
    }
    s.cluster().start("node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("state database corrupted")
  void stateDatabaseCorrupted() throws Exception {
    start();
    s.beforeFault("node-b");
    s.cluster().stop("node-b");
    Path db = s.cluster().stateDb("node-b");
    // Checkpointed into the main file first (as after a clean stop), then its pages after the
    // header overwritten: the schema page itself is garbage.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    byte[] garbage = new byte[(int) Files.size(db) - 100];
    new Random(7).nextBytes(garbage);
    try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
      file.seek(100);
      file.write(garbage);
    }
    CommandResult refused = s.cluster().runRefused("node-b");
    assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(1);
    assertThat(refused.stderr()).contains(db.toString()).contains("Fix");
    assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    // The operator's fix: keep the broken file aside, let the node adopt its peer's record.
    Files.move(db, Path.of(db + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
    removeDatabase("node-b");
    s.cluster().start("node-b", "--init-state");
    s.settleAndVerify("node-a");
  }

  /** libfaketime in one node's zferryd (and what it runs): a clock of its own, set by a file. */
  private List<String> fakeClock(Path offsetFile) throws IOException {
    Files.writeString(offsetFile, "+0\n");
    return List.of(
        "LD_PRELOAD=" + LIBFAKETIME,
        "FAKETIME_TIMESTAMP_FILE=" + offsetFile,
        "FAKETIME_CACHE_DURATION=1",
        // A wall clock jump leaves the monotonic clock alone (libfaketime 0.9.10 reads only this
        // name; it fakes CLOCK_MONOTONIC too without it).
        "FAKETIME_DONT_FAKE_MONOTONIC=1",
        // Its fix of condition waits on CLOCK_MONOTONIC is moot then, and makes a JVM start take
        // ten times as long.
        "FAKETIME_FORCE_MONOTONIC_FIX=0");
  }

  private void clockJump(String node, String offset) throws IOException {
    Path offsetFile = s.work().resolve(node + ".faketime");
    List<String> environment = fakeClock(offsetFile);
    s.cluster().stop(node);
    s.cluster().startWithEnvironment(node, environment);
    s.settle("node-a");
    s.beforeFault("node-b");
    Files.writeString(offsetFile, offset + "\n");
    sleep(beyondTimeout().plusSeconds(5));
    assertThat(s.cluster().status("node-a").orElseThrow().role()).isEqualTo("active");
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    // Snapshots and pulls go on across the jump: the marker of the snapshot check must arrive.
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("clock jump of +1 hour on the passive")
  void clockJumpForwardOnThePassive() throws IOException {
    start();
    clockJump("node-b", "+1h");
  }

  @Test
  @DisplayName("clock jump of -1 hour on the active")
  void clockJumpBackOnTheActive() throws IOException {
    start();
    clockJump("node-a", "-1h");
    // The rounds kept their pace because the step was noticed, not because Quartz caught up.
    assertThat(Files.readString(s.cluster().log("node-a")))
        .contains("the wall clock stepped back by PT1H;");
  }

  private void refusedConfig(String description, java.util.function.UnaryOperator<byte[]> damage)
      throws IOException {
    start();
    s.beforeFault("node-b");
    Path config = s.cluster().config("node-b");
    byte[] good = Files.readAllBytes(config);
    s.cluster().stop("node-b");
    Files.write(config, damage.apply(good));
    CommandResult refused = s.cluster().runRefused("node-b");
    assertThat(refused.exitCode()).as(description + ": " + refused.stderr()).isEqualTo(1);
    assertThat(refused.stderr()).as(description).contains(config.toString());
    assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    Files.write(config, good);
    s.cluster().start("node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("garbage config")
  void garbageConfig() throws IOException {
    byte[] garbage = new byte[2048];
    new Random(11).nextBytes(garbage);
    refusedConfig("random bytes", good -> garbage);
  }

  @Test
  @DisplayName("truncated config")
  void truncatedConfig() throws IOException {
    // Cut in the middle of a line, as a full disk or a crash during an edit leaves it.
    refusedConfig("truncated", good -> java.util.Arrays.copyOf(good, good.length / 2 + 3));
  }
}
