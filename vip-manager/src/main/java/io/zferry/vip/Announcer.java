package io.zferry.vip;

/**
 * Sends a VIP's gratuitous ARPs. arping waits a second after every packet it sends, so announcing
 * in line with a bring-up would hold a takeover up by a second per announcement, while the first
 * packet, the one that moves the neighbours, leaves at once. Pacemaker's IPaddr2 announces in the
 * background for the same reason.
 */
interface Announcer {
  /** Starts announcing {@code vip} with {@code send}, replacing an announcement still under way. */
  void start(VirtualIp vip, Runnable send);

  /**
   * Ends an announcement of {@code vip} that is under way and returns once nothing more is sent for
   * it: an address this node gives up must not be claimed by a late packet afterwards.
   */
  void stop(VirtualIp vip);

  /** Announces in the caller's thread, before {@link #start} returns (tests). */
  Announcer INLINE =
      new Announcer() {
        @Override
        public void start(VirtualIp vip, Runnable send) {
          send.run();
        }

        @Override
        public void stop(VirtualIp vip) {}
      };
}
