package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lockstate.InMemoryStateStore;
import io.zferry.lockstate.ServiceState;
import io.zferry.service.testing.MutableClock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** node-b promoted by node-a's switchover, over an in-memory store. */
class PromotionTest {
  private final InMemoryStateStore store =
      new InMemoryStateStore(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
  private final Side b = new Side();

  PromotionTest() {
    store.initialiseService("tank", "node-a");
  }

  @Test
  void aNodeThatStartsIsActiveAtTheGivenEpoch() {
    assertThat(Promotion.run(b, store, 1, "alice")).isEqualTo("node-b is active at epoch 1");
    assertThat(store.serviceState("tank").orElseThrow().activeNode()).isEqualTo("node-b");
    assertThat(b.serving).isTrue();
  }

  @Test
  void aNodeThatCannotStartGivesTheServiceBackBeforeItAnswers() {
    b.problem = Optional.of("start hooks failed on node-b: exit 1");

    assertThatThrownBy(() -> Promotion.run(b, store, 1, "alice"))
        .hasMessage("start hooks failed on node-b: exit 1");

    ServiceState record = store.serviceState("tank").orElseThrow();
    assertThat(record.activeNode()).isEqualTo("node-a");
    assertThat(record.epoch())
        .as("what node-a records when it takes the service back: the records agree")
        .isEqualTo(2);
    assertThat(b.serving).isFalse();
    assertThat(b.stepBack).hasValueSatisfying(r -> assertThat(r).contains("gives tank back"));
  }

  private static final class Side implements Promotion.Local {
    boolean serving;
    Optional<String> problem = Optional.empty();
    Optional<String> stepBack = Optional.empty();

    @Override
    public String service() {
      return "tank";
    }

    @Override
    public String self() {
      return "node-b";
    }

    @Override
    public String peer() {
      return "node-a";
    }

    @Override
    public void serve() {
      serving = true;
    }

    @Override
    public Optional<String> startProblem() {
      return problem;
    }

    @Override
    public void stepBack(String reason) {
      serving = false;
      stepBack = Optional.of(reason);
    }
  }
}
