package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.ZfsCommandException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZfsCommandExceptionTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cannot open 'tank/nope': dataset does not exist|NOT_FOUND",
        "cannot destroy 'tank/x': dataset is busy|BUSY",
        "cannot receive new filesystem stream: out of space|OUT_OF_SPACE",
        "cannot receive incremental stream: destination tank has been modified|TARGET_MODIFIED",
        "cannot receive incremental stream: most recent snapshot of tank does not match incremental source|BAD_STREAM",
        "cannot create snapshot 'tank@a': dataset already exists|ALREADY_EXISTS",
        "connect: No such file or directory Please make sure that the zfs-fuse daemon is running.|ZFS_UNAVAILABLE",
        "The ZFS modules are not loaded. Try running '/sbin/modprobe zfs' as root to load them.|ZFS_UNAVAILABLE",
        "something unexpected|OTHER"
      })
  void classifiesStderr(String stderr, Reason reason) {
    assertThat(ZfsCommandException.classify(stderr)).isEqualTo(reason);
  }
}
