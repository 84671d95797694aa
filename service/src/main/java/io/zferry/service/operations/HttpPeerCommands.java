package io.zferry.service.operations;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiException;
import io.zferry.sync.pull.Puller;

/**
 * {@link PeerCommands} (and, under Pacemaker, the owner's side of a promotion) over the peer's API;
 * the client's answer timeout is the caller's: long enough for a catch-up pull, or for a hand-over.
 */
public final class HttpPeerCommands implements PeerCommands, PacemakerPromotion.Owner {
  private final ApiClient peer;
  private final String peerName;

  public HttpPeerCommands(ApiClient peer, String peerName) {
    this.peer = peer;
    this.peerName = peerName;
  }

  @Override
  public String catchUp(String service, FinalSnapshot last) {
    return call(internal(service, "catch-up"), new Requests.CatchUp(last), Requests.Done.class)
        .result();
  }

  @Override
  public String promote(String service, long epoch, String actor) {
    return call(
            internal(service, "promote"), new Requests.Promote(epoch, actor), Requests.Done.class)
        .result();
  }

  @Override
  public ResyncResult resync(String service, Puller.Divergence how, String actor) {
    return call(
        internal(service, "resync"),
        new Requests.Resync(how == Puller.Divergence.DISCARD_AND_RESYNC, actor),
        ResyncResult.class);
  }

  @Override
  public String unlock(String service, long epoch, String actor, String reason) {
    return call(
            internal(service, "unlock"),
            new Requests.Unlock(epoch, actor, reason),
            Requests.Done.class)
        .result();
  }

  /** Under Pacemaker, the owner's hand-over: see {@link PacemakerPromotion}. */
  @Override
  public PacemakerHandover.Answer handover(String service) {
    return call(
            internal(service, "handover"), new Requests.PacemakerAction(), Requests.Handover.class)
        .answer();
  }

  @Override
  public long release(String service, long epoch, String to, String actor) {
    return call(
            internal(service, "release"),
            new Requests.Release(epoch, to, actor),
            Requests.Released.class)
        .epoch();
  }

  /** Asks the peer, which owns the service, to run a switchover to {@code to} for {@code actor}. */
  public ActionReport switchover(String service, String to, String actor) {
    return call(
        internal(service, "switchover"), new Requests.Switchover(to, actor), ActionReport.class);
  }

  /** The peer's divergence report (it is the old active). */
  public DivergenceReport divergence(String service) {
    try {
      return peer.get(internal(service, "divergence"), DivergenceReport.class);
    } catch (ApiException e) {
      throw new OperationException(
          kindOf(e.status()), peerName + ": " + e.error() + " (" + e.fix() + ")", e);
    } catch (ApiCallException e) {
      // No answer is not a "no": the peer may have acted before the link or the time-out cut in.
      throw new OperationException(
          OperationException.Kind.UNANSWERED, peerName + " did not answer: " + e.getMessage(), e);
    }
  }

  private static String internal(String service, String action) {
    return "/internal/services/" + service + "/" + action;
  }

  private <T> T call(String path, Object body, Class<T> type) {
    try {
      return peer.post(path, body, type);
    } catch (ApiException e) {
      throw new OperationException(
          kindOf(e.status()), peerName + ": " + e.error() + " (" + e.fix() + ")", e);
    } catch (ApiCallException e) {
      // No answer is not a "no": the peer may have acted before the link or the time-out cut in.
      throw new OperationException(
          OperationException.Kind.UNANSWERED, peerName + " did not answer: " + e.getMessage(), e);
    }
  }

  private static OperationException.Kind kindOf(int status) {
    return switch (status) {
      case 409 -> OperationException.Kind.CONFLICT;
      case 504 -> OperationException.Kind.UNANSWERED;
      default -> OperationException.Kind.FAILED;
    };
  }
}
