package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.HeartbeatView.AppliedView;
import io.zferry.service.status.HeartbeatView.HealthView;
import io.zferry.service.status.HeartbeatView.LockView;
import io.zferry.service.status.HeartbeatView.ServiceClaim;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A heartbeat's claim read across versions: the snapshots a passive is receiving are new. */
class HeartbeatVersionsTest {
  /** A service claim as a zferryd that knows nothing of {@code receiving} reads it. */
  record ClaimBeforeReceiving(
      String name,
      String activeNode,
      long epoch,
      LockView lock,
      AppliedView lastApplied,
      HealthView health) {}

  record HeartbeatBeforeReceiving(String node, String time, List<ClaimBeforeReceiving> services) {}

  private final ObjectMapper server = ApiJson.server();
  private final ObjectMapper client = ApiJson.client();

  @Test
  void anOlderActiveReadsANewPassivesHeartbeatAndIgnoresWhatItReceives() throws Exception {
    String json =
        server.writeValueAsString(
            new HeartbeatView(
                "node-b",
                "2026-12-01T10:00:00Z",
                List.of(
                    new ServiceClaim(
                        "tank",
                        "node-a",
                        3,
                        null,
                        new AppliedView("tank@zferry-20261201-095900", "7"),
                        null,
                        List.of(new AppliedView("tank/big@zferry-20261201-095800", "5"))))));
    assertThat(json).contains("\"receiving\"");

    HeartbeatBeforeReceiving old = client.readValue(json, HeartbeatBeforeReceiving.class);

    assertThat(old.services().get(0).lastApplied().guid()).isEqualTo("7");
  }

  @Test
  void aNewActiveReadsAnOlderPassivesHeartbeatAsReportingNothingReceived() throws Exception {
    String json =
        server.writeValueAsString(
            new HeartbeatBeforeReceiving(
                "node-b",
                "2026-12-01T10:00:00Z",
                List.of(
                    new ClaimBeforeReceiving(
                        "tank",
                        "node-a",
                        3,
                        null,
                        new AppliedView("tank@zferry-20261201-095900", "7"),
                        null))));

    HeartbeatView read = client.readValue(json, HeartbeatView.class);

    assertThat(read.services().get(0).receiving()).isNull();
    assertThat(read.services().get(0).lastApplied().guid()).isEqualTo("7");
  }
}
