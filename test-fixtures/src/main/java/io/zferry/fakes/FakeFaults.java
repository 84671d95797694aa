package io.zferry.fakes;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Faults armed on a {@link FakeZfs}: each fires on the next matching command(s), then is gone. */
final class FakeFaults {
  private record Armed(int remaining, String stderr) {}

  private final Map<FakeZfs.Op, Armed> failures = new EnumMap<>(FakeZfs.Op.class);
  private long cutSendAfter = -1;
  private long killReceiveAfter = -1;

  void failNext(FakeZfs.Op op, int count, String stderr) {
    if (count <= 0) {
      failures.remove(op);
    } else {
      failures.put(op, new Armed(count, stderr));
    }
  }

  /** The stderr of an armed failure for {@code op}, consuming one. */
  Optional<String> take(FakeZfs.Op op) {
    Armed armed = failures.get(op);
    if (armed == null) {
      return Optional.empty();
    }
    if (armed.remaining() <= 1) {
      failures.remove(op);
    } else {
      failures.put(op, new Armed(armed.remaining() - 1, armed.stderr()));
    }
    return Optional.of(armed.stderr());
  }

  void cutNextSendAfter(long bytes) {
    cutSendAfter = bytes;
  }

  /** Bytes after which the next send is cut, or -1; consumed. */
  long takeSendCut() {
    long cut = cutSendAfter;
    cutSendAfter = -1;
    return cut;
  }

  void killNextReceiveAfter(long bytes) {
    killReceiveAfter = bytes;
  }

  long takeReceiveKill() {
    long kill = killReceiveAfter;
    killReceiveAfter = -1;
    return kill;
  }
}
