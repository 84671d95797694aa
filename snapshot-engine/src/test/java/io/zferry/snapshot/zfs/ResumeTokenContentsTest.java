package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

public class ResumeTokenContentsTest {
  /**
   * A token in the format zfs writes, naming tank/data@zferry-2 (little-endian native nvlist), for
   * the tests of other modules that need a token a server would accept.
   */
  public static final String TANK_DATA =
      "1-1234abcd-c0-789c636064000310a500c4ec50360710e72765a5269740f80cd8e4d3d28a534b18e00024cf86"
          + "249f5459925acc802a8facbf243fbd34338581c1d200226f8024cf0996cf4bcc4d05d28979d9fa29892589"
          + "0e5569a9454595ba46083301b156145a";

  /**
   * receive_resume_token values real OpenZFS hosts printed (quoted in OpenZFS issues 10439, 8129).
   */
  static final String PLAIN =
      "1-eb46e146b-d0-789c636064000310a500c4ec50360710e72765a5269730307441d560c8a7a515a7968064d6b1c0"
          + "e4d990e4932a4b528b817403d31a566cfa4bf2d34b335318187a2da5b789c459fb3920c97382e5f3127353"
          + "191852124b12758b4bf28b12d353f50d8ce2931293b34b0b1c924ae38d0c0c2d0d8c0c2c19e0000029161d79";

  static final String INCREMENTAL =
      "1-148e1e3f23-158-789c636064000310a501c49c50360710a715e5e7a69766a6304041b6dc91755922b3951580"
          + "6c762475f94959a9c9250c0c8a507518f26969c5a9250c7000926743924faa2c492d06d21792b1eb2fc987"
          + "b8e2c8921e75b667af767b20c97382e5f3127353191872138b4b528bf48b520b723293134b52f543c21c8c"
          + "0c0c2d740d0d0c4d750d80203e253133a712d91dbc0c08ffe72416a5a726e5e42767e76783c424a0f6c3e4"
          + "53739352538052207ddc48e2c9f9b90545a9c5c5105d1000006fc83351";

  @Test
  void readsTheSnapshotARealTokenResumes() {
    assertThat(ResumeTokenContents.toName(new ResumeToken(PLAIN)))
        .hasToString("data-storage/02_backup@bu_20190209");
    assertThat(ResumeTokenContents.toName(new ResumeToken(INCREMENTAL)))
        .hasToString("master/replicate/TV@2018-1015-0000_daily");
    assertThat(ResumeTokenContents.toName(new ResumeToken(TANK_DATA)))
        .hasToString("tank/data@zferry-2");
  }

  @Test
  void aDamagedTokenIsRefusedNotGuessed() {
    String cut = PLAIN.substring(0, PLAIN.length() - 20);
    String wrongLength = PLAIN.replace("-d0-", "-d8-");
    String notZlib = "1-eb46e146b-d0-" + "00".repeat(40);
    String huge = PLAIN.replace("-d0-", "-7fffffff-");
    for (String token : new String[] {cut, wrongLength, notZlib, huge}) {
      assertThatThrownBy(() -> ResumeTokenContents.toName(new ResumeToken(token)))
          .as(token)
          .isInstanceOf(InvalidNameException.class)
          .hasMessageContaining("cannot be read");
    }
  }
}
