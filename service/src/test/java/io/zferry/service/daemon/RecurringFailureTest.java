package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecurringFailureTest {
  private final RecurringFailure failure = new RecurringFailure();

  @Test
  void eachReasonIsSaidOnceUntilTheFailureHeals() {
    assertThat(failure.firstTime("peer restarting")).isTrue();
    assertThat(failure.firstTime("peer restarting")).isFalse();
    assertThat(failure.firstTime("not the pinned peer certificate")).isTrue();
    assertThat(failure.firstTime("peer restarting")).isFalse();
    assertThat(failure.firstTime("not the pinned peer certificate")).isFalse();

    failure.healed();

    assertThat(failure.firstTime("peer restarting")).isTrue();
  }

  @Test
  void reasonsWithChangingDetailDoNotAccumulate() {
    for (int i = 0; i < 100; i++) {
      assertThat(failure.firstTime("handshake at " + i)).isTrue();
    }
    // The oldest were forgotten, so it is said again; the newest is still remembered.
    assertThat(failure.firstTime("handshake at 0")).isTrue();
    assertThat(failure.firstTime("handshake at 99")).isFalse();
  }
}
