package io.zferry.service.daemon;

import io.zferry.service.operations.OperationException;
import java.time.Duration;

/** A pause inside an operator action; an interrupt ends the action. */
final class Sleep {
  private Sleep() {}

  static void quietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationException(OperationException.Kind.FAILED, "interrupted", e);
    }
  }
}
