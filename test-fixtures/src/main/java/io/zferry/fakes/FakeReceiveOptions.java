package io.zferry.fakes;

import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;

/** {@code zfs receive -o} and {@code -x} applied to a received dataset. */
final class FakeReceiveOptions {
  private FakeReceiveOptions() {}

  static void apply(ReceiveSpec spec, FakeDataset target) {
    for (PropertyName excluded : spec.excludedProperties()) {
      target.received.remove(excluded.value());
    }
    spec.setProperties().forEach((property, value) -> target.local.put(property.value(), value));
  }
}
