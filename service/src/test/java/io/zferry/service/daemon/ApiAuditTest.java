package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.Event;
import io.zferry.lockstate.EventFilter;
import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.OpenMode;
import io.zferry.lockstate.SqliteStateStore;
import io.zferry.lockstate.StateStore;
import io.zferry.service.api.AuditTrail;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail as zferryd keeps it: access events in the real state database. */
class ApiAuditTest {
  @TempDir Path dir;

  @Test
  void refusalsAndActionsAreAccessEventsWithWhoWhereWhatAndTheAnswer() {
    try (StateStore store =
        SqliteStateStore.open(
            dir.resolve("state.db"), OpenMode.CREATE_IF_MISSING, Clock.systemUTC())) {
      ApiAudit audit = new ApiAudit(store, "node-a", Set.of("tank"));

      audit.record(
          new AuditTrail.Entry(
              "token:cli",
              "10.0.0.9",
              "POST",
              "/api/v1/services/tank/failover",
              Optional.of("tank"),
              200,
              "done"));
      // A refused caller chose the path and the service: quoted, and no service of the config.
      audit.record(
          new AuditTrail.Entry(
              "anonymous",
              "192.0.2.7",
              "GET",
              "/api/v1/services/x\u001b[31m/divergence",
              Optional.of("x\u001b[31m"),
              401,
              "authentication required"));

      List<Event> events = store.events(EventFilter.latest(10));
      assertThat(events).allSatisfy(e -> assertThat(e.kind()).isEqualTo(EventKind.ACCESS));
      Event refused = events.get(0);
      Event action = events.get(1);
      assertThat(action.service()).isEqualTo("tank");
      assertThat(action.actor()).isEqualTo("token:cli");
      assertThat(action.node()).isEqualTo("node-a");
      assertThat(action.message())
          .isEqualTo("POST /api/v1/services/tank/failover from 10.0.0.9: 200 done");
      assertThat(refused.service()).isNull();
      assertThat(refused.actor()).isEqualTo("anonymous");
      assertThat(refused.message())
          .startsWith("GET '/api/v1/services/x\\u001b[31m/divergence' from 192.0.2.7: 401 refused:")
          .doesNotContain("\u001b");
    }
  }
}
