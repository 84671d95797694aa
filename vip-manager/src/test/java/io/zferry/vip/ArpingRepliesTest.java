package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reply lines of iputils-arping 20221126, captured in the lab. */
class ArpingRepliesTest {
  @Test
  void aDuplicateAddressProbeNamesTheHolder() {
    assertThat(ArpingReplies.macs(Captured.arping("dad-answered")))
        .containsExactly("fa:1b:24:70:fd:55");
  }

  @Test
  void noReplyNoMac() {
    assertThat(ArpingReplies.macs(Captured.arping("dad-free"))).isEmpty();
    assertThat(ArpingReplies.macs(Captured.arping("unsolicited"))).isEmpty();
    assertThat(ArpingReplies.macs(Captured.arping("client-no-holder"))).isEmpty();
    assertThat(ArpingReplies.macs(Captured.arping("no-such-device"))).isEmpty();
    assertThat(ArpingReplies.macs("")).isEmpty();
  }

  @Test
  void everyDistinctReplierInOrder() {
    assertThat(ArpingReplies.macs(Captured.arping("client-one-holder")))
        .containsExactly("fa:1b:24:70:fd:55");
    assertThat(ArpingReplies.macs(Captured.arping("client-two-holders")))
        .containsExactly("4a:2c:c0:79:f8:88", "fa:1b:24:70:fd:55");
    assertThat(ArpingReplies.macs(Captured.arping("client-two-holders-three-replies")))
        .containsExactly("4a:2c:c0:79:f8:88", "fa:1b:24:70:fd:55");
  }

  @Test
  void broadcastRepliesCountAndOtherLinesDoNot() {
    assertThat(
            ArpingReplies.macs(
                "Broadcast reply from 10.0.0.1 [00:11:22:33:44:55]  1.0ms\n"
                    + "  Unicast reply from 10.0.0.1 [66:77:88:99:aa:bb]\n"
                    + "Unicast reply from 10.0.0.1 [zz:77:88:99:aa:bb]\n"))
        .containsExactly("00:11:22:33:44:55");
  }
}
