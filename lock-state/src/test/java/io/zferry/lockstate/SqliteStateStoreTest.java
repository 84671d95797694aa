package io.zferry.lockstate;

import static io.zferry.lockstate.RawSqlite.thrown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.StateStoreException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations of the store, on a real SQLite file. */
class SqliteStateStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String GUID = "18446744073709551615"; // 2^64-1: beyond a signed long

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);
  private Path file;
  private SqliteStateStore store;

  @BeforeEach
  void open() {
    file = dir.resolve("state.db");
    store = SqliteStateStore.open(file, OpenMode.CREATE_IF_MISSING, clock, quick());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static SqliteStateStore.Settings quick() {
    return SqliteStateStore.Settings.DEFAULTS.withBusyTimeout(Duration.ofMillis(200));
  }

  private List<EventKind> kinds(String service) {
    return store.events(EventFilter.latest(100).withService(service)).stream()
        .map(Event::kind)
        .toList();
  }

  @Test
  void initialiseRegistersAtEpochZeroAndNeverOverwrites() {
    ServiceState first = store.initialiseService("tank", "node-a");
    assertThat(first).isEqualTo(new ServiceState("tank", "node-a", 0, Optional.empty(), T0));

    store.changeOwner("tank", 0, "node-b", "zferryd", "node-a stopped answering", false);
    clock.advance(Duration.ofMinutes(1));
    ServiceState again = store.initialiseService("tank", "node-a");

    assertThat(again.activeNode()).isEqualTo("node-b");
    assertThat(again.epoch()).isEqualTo(1);
    assertThat(kinds("tank")).containsExactly(EventKind.ROLE_CHANGE, EventKind.CONFIG);
  }

  @Test
  void changeOwnerRaisesTheEpochAndRecordsWhoAndWhy() {
    store.initialiseService("tank", "node-a");
    clock.advance(Duration.ofSeconds(30));

    ServiceState changed =
        store.changeOwner("tank", 0, "node-b", "alice", "planned maintenance of node-a", false);

    assertThat(changed).isEqualTo(store.serviceState("tank").orElseThrow());
    assertThat(changed.activeNode()).isEqualTo("node-b");
    assertThat(changed.epoch()).isEqualTo(1);
    assertThat(changed.isActive("node-b")).isTrue();
    assertThat(changed.isLocked()).isFalse();
    assertThat(changed.updatedAt()).isEqualTo(T0.plusSeconds(30));
    Event event = store.events(EventFilter.latest(1)).get(0);
    assertThat(event.kind()).isEqualTo(EventKind.ROLE_CHANGE);
    assertThat(event.service()).isEqualTo("tank");
    assertThat(event.node()).isEqualTo("node-b");
    assertThat(event.actor()).isEqualTo("alice");
    assertThat(event.at()).isEqualTo(T0.plusSeconds(30));
    assertThat(event.message())
        .isEqualTo("active node node-a -> node-b, epoch 0 -> 1: planned maintenance of node-a");
  }

  @Test
  void aChangeDecidedOnAnOldEpochIsRefusedAndChangesNothing() throws Exception {
    store.initialiseService("tank", "node-a");
    store.changeOwner("tank", 0, "node-b", "zferryd", "failover", false);
    int eventsBefore = store.events(EventFilter.latest(100)).size();

    EpochConflictException conflict =
        thrown(
            EpochConflictException.class,
            () -> store.changeOwner("tank", 0, "node-a", "bob", "switch back", false));

    assertThat(conflict.reason()).isEqualTo(Reason.EPOCH_CONFLICT);
    assertThat(conflict.service()).isEqualTo("tank");
    assertThat(conflict.offeredEpoch()).isZero();
    assertThat(conflict.storedEpoch()).isEqualTo(1);
    assertThat(conflict.storedActiveNode()).isEqualTo("node-b");
    assertThat(conflict.getMessage())
        .contains(file.toString(), "epoch 1", "node-b", "decided on epoch 0", "re-read");
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-b");
    assertThat(store.events(EventFilter.latest(100))).hasSize(eventsBefore);
    // The refused transaction was rolled back, not left holding the write lock.
    try (Connection other = RawSqlite.holdExclusiveLock(file)) {
      other.rollback();
    }
  }

  @Test
  void concurrentChangesOnOneEpochLetExactlyOneWin() throws Exception {
    store.initialiseService("tank", "node-a");
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String actor = "operator-" + i;
        Callable<Boolean> attempt =
            () -> {
              start.await();
              try {
                store.changeOwner("tank", 0, "node-b", actor, "race", false);
                return true;
              } catch (EpochConflictException e) {
                return false;
              }
            };
        outcomes.add(pool.submit(attempt));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> outcome : outcomes) {
        wins += outcome.get() ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.serviceState("tank").orElseThrow().epoch()).isEqualTo(1);
  }

  @Test
  void automaticFailoverLocksTheSyncAtTheNewOwnersLastAppliedSnapshot() {
    store.initialiseService("tank", "node-a");
    store.recordApplied("tank", "node-b", "tank@zferry-20261122-095500", GUID);
    clock.advance(Duration.ofMinutes(5));

    ServiceState failedOver =
        store.changeOwner("tank", 0, "node-b", "node-b", "node-a missed 3 heartbeats", true);

    assertThat(failedOver.epoch()).isEqualTo(1);
    assertThat(failedOver.lock())
        .contains(
            new SyncLock(
                "node-a missed 3 heartbeats",
                T0.plus(Duration.ofMinutes(5)),
                "node-b",
                Optional.of("tank@zferry-20261122-095500"),
                Optional.of(GUID)));
    assertThat(kinds("tank"))
        .containsExactly(EventKind.SYNC_LOCKED, EventKind.ROLE_CHANGE, EventKind.CONFIG);
    assertThat(store.events(EventFilter.latest(1)).get(0).message())
        .contains("last common snapshot tank@zferry-20261122-095500", GUID);
  }

  @Test
  void aChangeOfOwnerWithoutLockKeepsAnExistingLock() {
    store.initialiseService("tank", "node-a");
    SyncLock lock = SyncLock.of("failover", T0, "node-b");
    store.changeOwner("tank", 0, "node-b", "node-b", "failover", true);

    ServiceState manual = store.changeOwner("tank", 1, "node-a", "alice", "manual switch", false);

    assertThat(manual.lock()).contains(lock);
  }

  @Test
  void lockAndUnlockAreCompareAndSetAndRecordedAsEvents() {
    store.initialiseService("tank", "node-a");
    SyncLock lock =
        SyncLock.of("node-b was fenced", T0, "node-a").withLastCommon("tank@s1", "12345");

    assertThat(
            thrown(EpochConflictException.class, () -> store.lockSync("tank", 7, lock))
                .storedEpoch())
        .isZero();
    ServiceState locked = store.lockSync("tank", 0, lock);
    assertThat(locked.lock()).contains(lock);
    assertThat(locked.epoch()).isZero();

    clock.advance(Duration.ofHours(1));
    ServiceState unlocked = store.unlockSync("tank", 0, "alice", "node-b's data checked");

    assertThat(unlocked.lock()).isEmpty();
    List<Event> events = store.events(EventFilter.latest(2));
    assertThat(events)
        .extracting(Event::kind)
        .containsExactly(EventKind.SYNC_UNLOCKED, EventKind.SYNC_LOCKED);
    assertThat(events.get(0).actor()).isEqualTo("alice");
    assertThat(events.get(0).node()).isEqualTo("node-a");
    assertThat(events.get(0).message())
        .startsWith("sync unlocked: node-b's data checked (it was sync locked since")
        .contains("node-b was fenced", "tank@s1");
    assertThat(events.get(1).actor()).isEqualTo("node-a");
  }

  @Test
  void lockingALockedServiceKeepsTheFirstLockAndUnlockingAnUnlockedOneIsQuiet() {
    store.initialiseService("tank", "node-a");
    SyncLock first = SyncLock.of("first failure", T0, "node-a");
    store.lockSync("tank", 0, first);

    ServiceState again = store.lockSync("tank", 0, SyncLock.of("second", T0.plusSeconds(9), "x"));
    assertThat(again.lock()).contains(first);

    store.unlockSync("tank", 0, "alice", "fixed");
    store.unlockSync("tank", 0, "alice", "fixed again");
    assertThat(kinds("tank"))
        .containsExactly(EventKind.SYNC_UNLOCKED, EventKind.SYNC_LOCKED, EventKind.CONFIG);
  }

  @Test
  void theEventIsWrittenInTheSameTransactionAsTheChange() throws Exception {
    store.initialiseService("tank", "node-a");
    // A failing event insert must take the state change down with it.
    RawSqlite.execute(
        file,
        "CREATE TRIGGER refuse_events BEFORE INSERT ON event BEGIN"
            + " SELECT RAISE(ABORT, 'event table refused'); END");

    StateStoreException failure =
        thrown(
            StateStoreException.class,
            () -> store.lockSync("tank", 0, SyncLock.of("fenced", T0, "node-a")));
    assertThat(failure.reason()).isEqualTo(Reason.FAILED);
    assertThat(failure.getMessage()).contains(file.toString(), "event table refused");
    thrown(
        StateStoreException.class,
        () -> store.changeOwner("tank", 0, "node-b", "zferryd", "failover", true));

    ServiceState state = store.serviceState("tank").orElseThrow();
    assertThat(state.epoch()).isZero();
    assertThat(state.activeNode()).isEqualTo("node-a");
    assertThat(state.lock()).isEmpty();

    RawSqlite.execute(file, "DROP TRIGGER refuse_events");
    assertThat(store.lockSync("tank", 0, SyncLock.of("fenced", T0, "node-a")).isLocked()).isTrue();
  }

  @Test
  void adoptsAHigherEpochFromThePeerWithItsLock() {
    store.initialiseService("tank", "node-a");
    SyncLock peerLock =
        SyncLock.of("node-a missed heartbeats", T0.plusSeconds(60), "node-b")
            .withLastCommon("tank@s9", "99");
    clock.advance(Duration.ofMinutes(10));

    ServiceState adopted =
        store.adoptPeerState("tank", "node-b", 3, Optional.of(peerLock), "node-b");

    assertThat(adopted.activeNode()).isEqualTo("node-b");
    assertThat(adopted.epoch()).isEqualTo(3);
    assertThat(adopted.lock()).contains(peerLock);
    assertThat(adopted.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(kinds("tank"))
        .containsExactly(EventKind.SYNC_LOCKED, EventKind.ROLE_CHANGE, EventKind.CONFIG);
    assertThat(store.events(EventFilter.latest(2)).get(1).message())
        .isEqualTo("adopted the peer's state: active node node-a -> node-b, epoch 0 -> 3");
  }

  @Test
  void aHigherEpochWithoutALockClearsOurs() {
    store.initialiseService("tank", "node-a");
    store.changeOwner("tank", 0, "node-b", "node-b", "failover", true);

    ServiceState adopted = store.adoptPeerState("tank", "node-b", 2, Optional.empty(), "node-b");

    assertThat(adopted.lock()).isEmpty();
    assertThat(store.events(EventFilter.latest(1)).get(0).kind())
        .isEqualTo(EventKind.SYNC_UNLOCKED);
  }

  @Test
  void theSameEpochAndOwnerChangesNothing() {
    store.initialiseService("tank", "node-a");
    store.lockSync("tank", 0, SyncLock.of("fenced", T0, "node-a"));
    int events = store.events(EventFilter.latest(100)).size();

    ServiceState same = store.adoptPeerState("tank", "node-a", 0, Optional.empty(), "node-b");

    assertThat(same.isLocked()).isTrue();
    assertThat(store.events(EventFilter.latest(100))).hasSize(events);
  }

  @Test
  void theSameEpochWithAnotherOwnerIsSplitBrainAndRefused() {
    store.initialiseService("tank", "node-a");

    EpochConflictException conflict =
        thrown(
            EpochConflictException.class,
            () -> store.adoptPeerState("tank", "node-b", 0, Optional.empty(), "node-b"));

    assertThat(conflict.getMessage())
        .contains("both nodes made themselves owner", "zferry failover tank --to NODE --force");
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-a");
  }

  @Test
  void aLowerEpochFromThePeerIsRefused() {
    store.initialiseService("tank", "node-a");
    store.changeOwner("tank", 0, "node-b", "zferryd", "failover", false);
    store.changeOwner("tank", 1, "node-a", "zferryd", "switch back", false);

    EpochConflictException conflict =
        thrown(
            EpochConflictException.class,
            () -> store.adoptPeerState("tank", "node-b", 1, Optional.empty(), "node-b"));

    assertThat(conflict.storedEpoch()).isEqualTo(2);
    assertThat(conflict.offeredEpoch()).isEqualTo(1);
    assertThat(conflict.getMessage()).contains("older", "the peer must adopt this node's state");
  }

  @Test
  void anUnknownServiceIsRegisteredFromThePeer() {
    ServiceState adopted = store.adoptPeerState("tank", "node-b", 4, Optional.empty(), "node-b");

    assertThat(adopted.epoch()).isEqualTo(4);
    assertThat(store.services()).containsExactly(adopted);
  }

  @Test
  void operationsOnAnUnknownServiceNameIt() {
    StateStoreException failure =
        thrown(
            StateStoreException.class,
            () -> store.changeOwner("pool9", 0, "node-b", "alice", "why", false));
    assertThat(failure.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(failure.getMessage()).contains("'pool9'", file.toString(), "configuration");
    assertThat(
            thrown(
                    StateStoreException.class,
                    () -> store.recordApplied("pool9", "node-b", "pool9@s", "1"))
                .reason())
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(
            thrown(
                    StateStoreException.class,
                    () -> store.startRun("pool9", "node-a", "node-b", Optional.empty()))
                .reason())
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(store.serviceState("pool9")).isEmpty();
    assertThat(store.lastApplied("pool9", "node-b")).isEmpty();
    assertThat(store.recentRuns("pool9", 10)).isEmpty();
  }

  @Test
  void servicesAreListedByName() {
    store.initialiseService("zpool", "node-a");
    store.initialiseService("apool", "node-b");

    assertThat(store.services())
        .extracting(ServiceState::service)
        .containsExactly("apool", "zpool");
  }

  @Test
  void recordsTheLastAppliedSnapshotPerNode() {
    store.initialiseService("tank", "node-a");
    store.recordApplied("tank", "node-b", "tank@s1", "1");
    clock.advance(Duration.ofMinutes(1));
    store.recordApplied("tank", "node-b", "tank@s2", GUID);
    store.recordApplied("tank", "node-a", "tank@s0", "7");

    AppliedSnapshot last = store.lastApplied("tank", "node-b").orElseThrow();
    assertThat(last)
        .isEqualTo(new AppliedSnapshot("tank", "node-b", "tank@s2", GUID, T0.plusSeconds(60)));
    assertThat(last.guidValue()).isEqualTo(-1L);
    assertThat(store.lastApplied("tank", "node-a").orElseThrow().snapshotName())
        .isEqualTo("tank@s0");
    assertThatThrownBy(() -> store.recordApplied("tank", "node-b", "tank@s3", "0x1f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0x1f'")
        .hasMessageContaining("unsigned 64-bit decimal");
  }

  @Test
  void filtersEventsByServiceKindTimeAndLimitNewestFirst() {
    store.initialiseService("tank", "node-a"); // CONFIG at T0
    store.initialiseService("data", "node-b"); // CONFIG at T0
    clock.advance(Duration.ofMinutes(1));
    long vip = store.recordEvent(EventKind.VIP_UP, "tank", "node-a", "zferryd", "10.0.0.9 up");
    clock.advance(Duration.ofMinutes(1));
    store.recordEvent(EventKind.FENCE, "data", "node-a", "zferryd", "fenced node-a");
    clock.advance(Duration.ofMinutes(1));
    store.recordEvent(EventKind.DAEMON, null, "node-a", "zferryd", "started\nversion 0.1");
    clock.advance(Duration.ofMinutes(1));
    store.recordEvent(EventKind.OPERATOR_ACTION, "tank", "node-a", "alice", "failover requested");

    assertThat(store.events(EventFilter.latest(100)))
        .extracting(Event::kind)
        .containsExactly(
            EventKind.OPERATOR_ACTION,
            EventKind.DAEMON,
            EventKind.FENCE,
            EventKind.VIP_UP,
            EventKind.CONFIG,
            EventKind.CONFIG);
    assertThat(store.events(EventFilter.latest(100).withService("tank")))
        .extracting(Event::kind)
        .containsExactly(EventKind.OPERATOR_ACTION, EventKind.VIP_UP, EventKind.CONFIG);
    assertThat(
            store.events(
                EventFilter.latest(100).withKinds(EventKind.FENCE, EventKind.OPERATOR_ACTION)))
        .extracting(Event::kind)
        .containsExactly(EventKind.OPERATOR_ACTION, EventKind.FENCE);
    assertThat(
            store.events(
                EventFilter.latest(100)
                    .withFrom(T0.plusSeconds(60))
                    .withUntil(T0.plusSeconds(180))))
        .extracting(Event::kind)
        .containsExactly(EventKind.FENCE, EventKind.VIP_UP);
    assertThat(store.events(EventFilter.latest(2)))
        .extracting(Event::kind)
        .containsExactly(EventKind.OPERATOR_ACTION, EventKind.DAEMON);

    Event nodeWide = store.events(EventFilter.latest(100).withKinds(EventKind.DAEMON)).get(0);
    assertThat(nodeWide.service()).isNull();
    assertThat(nodeWide.message()).isEqualTo("started\nversion 0.1");
    assertThat(store.events(EventFilter.latest(100).withKinds(EventKind.VIP_UP)).get(0))
        .isEqualTo(
            new Event(
                vip,
                T0.plusSeconds(60),
                EventKind.VIP_UP,
                "tank",
                "node-a",
                "zferryd",
                "10.0.0.9 up"));
  }

  @Test
  void aRunawayMessageIsCutToTheLimit() {
    String stderr = "x".repeat(SqliteStateStore.MAX_TEXT_LENGTH * 2);
    store.recordEvent(EventKind.REPLICATION_ERROR, null, "node-b", "zferryd", stderr);

    String stored = store.events(EventFilter.latest(1)).get(0).message();
    assertThat(stored).hasSize(SqliteStateStore.MAX_TEXT_LENGTH).endsWith("(truncated)");
  }

  @Test
  void recordsReplicationRunsNewestFirst() {
    store.initialiseService("tank", "node-a");
    long first = store.startRun("tank", "node-a", "node-b", Optional.of("bootstrap tank@s1"));
    clock.advance(Duration.ofSeconds(42));
    store.finishRun(first, 1_000_000, RunResult.OK, Optional.empty(), Optional.empty());
    long second = store.startRun("tank", "node-a", "node-b", Optional.empty());
    clock.advance(Duration.ofSeconds(3));
    store.finishRun(
        second,
        0,
        RunResult.DIVERGED,
        Optional.of("diverged after tank@s1"),
        Optional.of("node-b has tank@x after the common snapshot"));
    long running = store.startRun("tank", "node-a", "node-b", Optional.empty());

    List<ReplicationRun> runs = store.recentRuns("tank", 10);

    assertThat(runs).extracting(ReplicationRun::id).containsExactly(second, first);
    assertThat(runs.get(1))
        .isEqualTo(
            new ReplicationRun(
                first,
                "tank",
                "node-a",
                "node-b",
                T0,
                T0.plusSeconds(42),
                1_000_000,
                RunResult.OK,
                Optional.of("bootstrap tank@s1"),
                Optional.empty()));
    assertThat(runs.get(0).plan()).contains("diverged after tank@s1");
    assertThat(runs.get(0).error()).contains("node-b has tank@x after the common snapshot");
    assertThat(store.recentRuns("tank", 1)).extracting(ReplicationRun::id).containsExactly(second);

    StateStoreException twice =
        thrown(
            StateStoreException.class,
            () -> store.finishRun(first, 1, RunResult.OK, Optional.empty(), Optional.empty()));
    assertThat(twice.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(twice.getMessage()).contains("replication run " + first, "startRun");
    assertThatThrownBy(
            () -> store.finishRun(running, 0, RunResult.FAILED, Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs an error text");
  }

  @Test
  void keepsOnlyTheNewestRunsOfEachService() {
    store.close();
    store =
        SqliteStateStore.open(
            file, OpenMode.MUST_EXIST, clock, quick().withMaxRunsPerService(3).withPruneEvery(1));
    store.initialiseService("tank", "node-a");
    store.initialiseService("data", "node-a");
    long dataRun = store.startRun("data", "node-a", "node-b", Optional.empty());
    store.finishRun(dataRun, 1, RunResult.OK, Optional.empty(), Optional.empty());
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long id = store.startRun("tank", "node-a", "node-b", Optional.empty());
      store.finishRun(id, i, RunResult.OK, Optional.empty(), Optional.empty());
      ids.add(id);
    }

    assertThat(store.recentRuns("tank", 100))
        .extracting(ReplicationRun::id)
        .containsExactly(ids.get(4), ids.get(3), ids.get(2));
    assertThat(store.recentRuns("data", 100))
        .extracting(ReplicationRun::id)
        .containsExactly(dataRun);
  }

  @Test
  void keepsOnlyTheNewestEventsWithIdsNeverReused() {
    store.close();
    store =
        SqliteStateStore.open(
            file, OpenMode.MUST_EXIST, clock, quick().withMaxEvents(5).withPruneEvery(2));
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(store.recordEvent(EventKind.SNAPSHOT, null, "node-a", "zferryd", "snapshot " + i));
    }

    List<Event> kept = store.events(EventFilter.latest(100));

    // Pruning runs every second insert, so between prunes one extra event may remain.
    assertThat(kept).hasSizeBetween(5, 6);
    assertThat(kept.get(0).id()).isEqualTo(ids.get(11));
    assertThat(kept).extracting(Event::message).startsWith("snapshot 11", "snapshot 10");
    long next = store.recordEvent(EventKind.SNAPSHOT, null, "node-a", "zferryd", "next");
    assertThat(next).isGreaterThan(ids.get(11));
  }

  @Test
  void aRunLeftUnfinishedByACrashIsRecordedAsFailedOnReopen() {
    store.initialiseService("tank", "node-a");
    long run = store.startRun("tank", "node-a", "node-b", Optional.of("incremental s1..s2"));
    store.close(); // the daemon dies mid-transfer
    clock.advance(Duration.ofMinutes(3));

    store = SqliteStateStore.open(file, OpenMode.MUST_EXIST, clock, quick());

    ReplicationRun interrupted = store.recentRuns("tank", 1).get(0);
    assertThat(interrupted.id()).isEqualTo(run);
    assertThat(interrupted.result()).isEqualTo(RunResult.FAILED);
    assertThat(interrupted.finished()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(interrupted.error()).hasValueSatisfying(e -> assertThat(e).contains("interrupted"));
    Event event = store.events(EventFilter.latest(1)).get(0);
    assertThat(event.kind()).isEqualTo(EventKind.REPLICATION_ERROR);
    assertThat(event.node()).isEqualTo("node-b");
  }

  @Test
  void reopeningPreservesEverything() {
    store.initialiseService("tank", "node-a");
    store.recordApplied("tank", "node-b", "tank@s5", GUID);
    store.changeOwner("tank", 0, "node-b", "node-b", "node-a missed heartbeats", true);
    long run = store.startRun("tank", "node-a", "node-b", Optional.empty());
    store.finishRun(run, 77, RunResult.OK, Optional.empty(), Optional.empty());
    List<ServiceState> services = store.services();
    List<Event> events = store.events(EventFilter.latest(100));
    List<ReplicationRun> runs = store.recentRuns("tank", 10);
    store.close();

    store = SqliteStateStore.open(file, OpenMode.MUST_EXIST, clock, quick());

    assertThat(store.services()).isEqualTo(services);
    assertThat(store.events(EventFilter.latest(100))).isEqualTo(events);
    assertThat(store.recentRuns("tank", 10)).isEqualTo(runs);
    assertThat(store.lastApplied("tank", "node-b").orElseThrow().guid()).isEqualTo(GUID);
    assertThat(store.services().get(0).lock().orElseThrow().lastCommonGuid()).contains(GUID);
  }

  @Test
  void aClosedStoreSaysSo() {
    store.close();
    store.close();

    StateStoreException failure = thrown(StateStoreException.class, () -> store.services());

    assertThat(failure.reason()).isEqualTo(Reason.CLOSED);
    assertThat(failure.getMessage()).contains(file.toString());
  }

  @Test
  void argumentsAreValidatedBeforeAnythingIsWritten() {
    store.initialiseService("tank", "node-a");

    assertThatThrownBy(() -> store.changeOwner("tank", 0, "node b", "alice", "why", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("new active node 'node b'");
    assertThatThrownBy(() -> store.unlockSync("tank", 0, "alice", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> store.startRun("tank", "node-a", "node-a", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same source and target node");
    assertThat(store.serviceState("tank").orElseThrow().epoch()).isZero();
  }

  @Test
  void operatorSettingsReplaceTheirScopeSurviveAReopenAndAreInTheHistory() {
    store.saveSettingOverrides(
        StateStore.CLUSTER_SCOPE, Map.of("pullInterval", "30s"), "node-a", "user:alice");
    store.saveSettingOverrides(
        "tank", Map.of("snapshotInterval", "5m", "retentionCount", "12"), "node-a", "user:alice");
    store.saveSettingOverrides("tank", Map.of("snapshotInterval", "10m"), "node-a", "user:alice");
    store.close();
    store = SqliteStateStore.open(file, OpenMode.MUST_EXIST, clock, quick());

    assertThat(store.settingOverrides())
        .isEqualTo(
            Map.of(
                StateStore.CLUSTER_SCOPE,
                Map.of("pullInterval", "30s"),
                "tank",
                Map.of("snapshotInterval", "10m")));
    assertThat(store.events(EventFilter.latest(10).withKinds(EventKind.CONFIG)))
        .extracting(Event::message)
        .containsExactly(
            "settings of service tank set to {snapshotInterval=10m}",
            "settings of service tank set to {retentionCount=12, snapshotInterval=5m}",
            "settings of cluster set to {pullInterval=30s}");
  }
}
