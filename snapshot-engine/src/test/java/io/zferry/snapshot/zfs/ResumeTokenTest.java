package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResumeTokenTest {
  // The shape OpenZFS prints: version-checksum-length-payload, hexadecimal.
  private static final String TOKEN =
      "1-e604ea4bf-e0-789c63a2a4a60666f2d4e5f7c3c1c0ab91c5a1c38330ccba00e2f1ee6c40b0200";

  @Test
  void acceptsATokenAsZfsPrintsIt() {
    assertThat(new ResumeToken(TOKEN).value()).isEqualTo(TOKEN);
  }

  @Test
  void refusesAnythingThatCouldCarryAnArgumentOrAShellWord() {
    for (String bad :
        new String[] {"", "-", "1-abc", TOKEN + " -R", TOKEN + ";reboot", "--help", "1-E6-e0-78"}) {
      assertThatThrownBy(() -> new ResumeToken(bad))
          .as(bad)
          .isInstanceOf(InvalidNameException.class)
          .hasMessageContaining("receive_resume_token");
    }
  }

  @Test
  void recognisesAReceiverThatRefusesTheResumedStreamButNotABrokenOne() {
    // OpenZFS 2.1.11, a snapshot having been taken on the target since the receive was cut.
    assertThat(
            ResumeToken.refusedByReceiver(
                "cannot receive resume stream: kernel modules must be upgraded to receive this"
                    + " stream."))
        .isTrue();
    assertThat(
            ResumeToken.refusedByReceiver(
                "cannot receive resume stream: checksum mismatch or incomplete stream.\n"
                    + "Partially received snapshot is saved.\n"
                    + "A resuming stream can be generated on the sending system by running:\n"
                    + "    zfs send -t 1-abc"))
        .as("a stream that broke off again keeps its partial state")
        .isFalse();
    assertThat(ResumeToken.refusedByReceiver("cannot receive: failed to read from stream"))
        .isFalse();
    assertThat(
            ResumeToken.refusedByReceiver(
                "cannot receive incremental stream: kernel modules must be upgraded"))
        .as("not a resume")
        .isFalse();
  }

  @Test
  void recognisesTheSendErrorsOfATokenThatCanNeverSucceed() {
    assertThat(
            ResumeToken.isStale(
                "cannot resume send: 'tank/fs@zferry-20261122-100000' used in the initial send no"
                    + " longer exists"))
        .isTrue();
    assertThat(
            ResumeToken.isStale(
                "cannot resume send: 'tank/fs@snap' is no longer the same snapshot used in the"
                    + " initial send"))
        .isTrue();
    assertThat(ResumeToken.isStale("resume token is corrupt (invalid checksum)")).isTrue();
    assertThat(ResumeToken.isStale("Connection reset by peer")).isFalse();
    assertThat(ResumeToken.isStale("cannot send: out of space")).isFalse();
  }

  @Test
  void aResumableReceiveAsksForMinusS() {
    ReceiveSpec spec = ReceiveSpec.into(DatasetName.of("tank/fs")).forced().resumably();
    assertThat(spec.arguments()).containsExactly("receive", "-F", "-s", "tank/fs");
  }
}
