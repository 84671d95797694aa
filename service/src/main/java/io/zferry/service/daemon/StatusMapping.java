package io.zferry.service.daemon;

import io.zferry.lockstate.ReplicationRun;
import io.zferry.lockstate.SyncLock;
import io.zferry.service.actions.HookRunner;
import io.zferry.service.status.HeartbeatView.LockView;
import io.zferry.service.status.StatusViews.HookView;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.status.StatusViews.SnapshotView;
import io.zferry.service.status.StatusViews.TransferView;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.sync.pull.TransferActivity;
import io.zferry.sync.transfer.TransferProgress;
import java.time.Duration;
import java.util.Locale;

/** The daemon's values as the API shows them. */
final class StatusMapping {
  private StatusMapping() {}

  static LockView lock(SyncLock lock) {
    return new LockView(
        lock.reason(),
        lock.since().toString(),
        lock.lockedBy(),
        lock.lastCommonSnapshot().orElse(null),
        lock.lastCommonGuid().orElse(null));
  }

  static HookView hooks(HookRunner.PhaseResult result) {
    HookRunner.HookRun last = result.runs().get(result.runs().size() - 1);
    return new HookView(
        result.phase().argument(), last.at().toString(), result.succeeded(), result.summary());
  }

  static SnapshotView snapshot(Snapshot s) {
    return new SnapshotView(s.name().toString(), s.guid().toString(), s.creation().toString());
  }

  static TransferView transfer(TransferActivity activity) {
    TransferProgress p = activity.progress();
    return new TransferView(
        activity.dataset().value(),
        activity.plan(),
        p.bytesDone(),
        p.estimatedTotalBytes() < 0 ? null : p.estimatedTotalBytes(),
        p.bytesPerSecond(),
        p.eta().map(Duration::toSeconds).orElse(null),
        p.finished());
  }

  static RunView run(ReplicationRun run) {
    return new RunView(
        run.started().toString(),
        run.finished().toString(),
        run.bytes(),
        run.result().name().toLowerCase(Locale.ROOT),
        run.plan().orElse(null),
        run.error().orElse(null));
  }
}
