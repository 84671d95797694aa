package io.zferry.service.actions;

import io.zferry.service.config.FencingPolicy;
import io.zferry.service.config.NodeConfig;
import java.util.Map;

/**
 * Runs the fence command of a service whose policy is {@code command}. The command learns whom to
 * fence from {@code ZFERRY_PEER} and {@code ZFERRY_PEER_ADDRESS}; exit 0 must mean the peer is
 * down. Anything else, including a timeout, means the peer may still be writing, so no takeover.
 */
public final class Fencer {
  private Fencer() {}

  public static LocalProgram.Outcome fence(
      FencingPolicy.Command policy, NodeConfig peer, String service) {
    return LocalProgram.run(
        policy.argv(),
        Map.of(
            "ZFERRY_PEER", peer.name().value(),
            "ZFERRY_PEER_ADDRESS", peer.address(),
            "ZFERRY_SERVICE", service),
        policy.timeout());
  }
}
