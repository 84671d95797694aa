package io.zferry.service.daemon;

import io.zferry.service.api.ApiProblem;
import io.zferry.service.api.ApiRequest;
import io.zferry.service.api.ApiRoutes;
import io.zferry.service.api.auth.Access;
import io.zferry.service.metrics.PrometheusMetrics;
import io.zferry.service.operations.OperationException;
import io.zferry.service.operations.Requests;
import io.zferry.sync.pull.Puller;
import java.util.HashSet;
import java.util.function.Supplier;

/**
 * zferryd's API routes: status and heartbeat, the operator actions, and the peer's half of them
 * under {@code /internal}. Operator actions record the caller (its token's label) as the actor.
 */
final class Endpoints {
  private final NodeDaemon daemon;

  Endpoints(NodeDaemon daemon) {
    this.daemon = daemon;
  }

  void register(ApiRoutes routes) {
    routes.get("/status", Access.READ_OR_PEER, request -> daemon.status());
    routes.get("/heartbeat", Access.READ_OR_PEER, request -> daemon.heartbeat());
    routes.getText(
        "/metrics",
        Access.METRICS,
        PrometheusMetrics.CONTENT_TYPE,
        request -> PrometheusMetrics.text(daemon.metrics()));
    routes.post(
        "/services/{service}/failover",
        Access.OPERATE,
        Requests.Failover.class,
        (request, body) -> act(() -> failover(request, body)));
    routes.post(
        "/services/{service}/mark-sync-as-fixed",
        Access.OPERATE,
        Requests.MarkSyncAsFixed.class,
        (request, body) ->
            act(
                () ->
                    service(request)
                        .markSyncAsFixed(
                            new HashSet<>(body.nodes()), body.discardDivergent(), actor(request))));
    routes.get(
        "/services/{service}/divergence",
        Access.OPERATE,
        request -> act(() -> divergence(request)));
    routes.get(
        "/internal/services/{service}/divergence",
        Access.PEER,
        request -> act(() -> service(request).divergence()));
    routes.post(
        "/internal/services/{service}/switchover",
        Access.PEER,
        Requests.Switchover.class,
        (request, body) -> act(() -> forwardedSwitchover(request, body)));
    routes.post(
        "/internal/services/{service}/catch-up",
        Access.PEER,
        Requests.CatchUp.class,
        (request, body) ->
            act(() -> new Requests.Done(service(request).catchUp(body.finalSnapshot()))));
    routes.post(
        "/internal/services/{service}/promote",
        Access.PEER,
        Requests.Promote.class,
        (request, body) ->
            act(
                () ->
                    new Requests.Done(
                        service(request).promote(body.epoch(), actorOf(request, body.actor())))));
    registerPacemaker(routes);
    routes.post(
        "/internal/services/{service}/resync",
        Access.PEER,
        Requests.Resync.class,
        (request, body) ->
            act(
                () ->
                    service(request)
                        .resync(
                            body.discardDivergent()
                                ? Puller.Divergence.DISCARD_AND_RESYNC
                                : Puller.Divergence.KEEP_ASIDE_AND_RESYNC,
                            actorOf(request, body.actor()))));
    routes.post(
        "/internal/services/{service}/unlock",
        Access.PEER,
        Requests.Unlock.class,
        (request, body) ->
            act(
                () ->
                    new Requests.Done(
                        service(request)
                            .unlock(body.epoch(), actorOf(request, body.actor()), body.reason()))));
  }

  /**
   * Pacemaker's resource agent (ocf:zferry:service) on this node, and the owner's half of a
   * promotion elsewhere (docs/pacemaker.md).
   */
  private void registerPacemaker(ApiRoutes routes) {
    routes.get(
        "/services/{service}/pacemaker",
        Access.READ_OR_PEER,
        request -> act(() -> service(request).pacemaker().report().view()));
    routes.post(
        "/services/{service}/pacemaker/start",
        Access.OPERATE,
        Requests.PacemakerAction.class,
        (request, body) -> act(() -> new Requests.Done(service(request).pacemaker().start())));
    routes.post(
        "/services/{service}/pacemaker/stop",
        Access.OPERATE,
        Requests.PacemakerAction.class,
        (request, body) -> act(() -> new Requests.Done(service(request).pacemaker().stop())));
    routes.post(
        "/services/{service}/pacemaker/promote",
        Access.OPERATE,
        Requests.PacemakerAction.class,
        (request, body) ->
            act(
                () ->
                    new Requests.Done(
                        service(request)
                            .pacemaker()
                            .promote(service(request).recordOwner(), actor(request)))));
    routes.post(
        "/services/{service}/pacemaker/demote",
        Access.OPERATE,
        Requests.PacemakerAction.class,
        (request, body) -> act(() -> new Requests.Done(service(request).pacemaker().demote())));
    routes.post(
        "/internal/services/{service}/handover",
        Access.PEER,
        Requests.PacemakerAction.class,
        (request, body) ->
            act(() -> new Requests.Handover(service(request).pacemaker().handover())));
    routes.post(
        "/internal/services/{service}/release",
        Access.PEER,
        Requests.Release.class,
        (request, body) ->
            act(
                () ->
                    new Requests.Released(
                        service(request)
                            .pacemaker()
                            .release(body.epoch(), body.to(), actorOf(request, body.actor())))));
  }

  /**
   * A failover asked of this node. With force, this node becomes active on its own. Otherwise it is
   * a switchover, which the active node runs: here if this node is active, else on the peer.
   */
  private Object failover(ApiRequest request, Requests.Failover body) {
    ServiceRuntime service = service(request);
    if (service.managedByPacemaker()) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "Pacemaker decides where "
              + service.name()
              + " runs (cluster.manager: pacemaker): move it with `pcs resource move"
              + " zferry-"
              + service.name()
              + "-clone NODE` (docs/pacemaker.md), not with zferry failover");
    }
    String self = daemon.self().value();
    String peer = daemon.peer().value();
    if (body.to() != null && !body.to().equals(self) && !body.to().equals(peer)) {
      throw new OperationException(
          OperationException.Kind.INVALID,
          "'" + body.to() + "' is not a node of this cluster (" + self + ", " + peer + ")");
    }
    if (body.force()) {
      if (body.to() != null && !body.to().equals(self)) {
        throw new OperationException(
            OperationException.Kind.INVALID,
            "--force makes the node it runs on active; run it on " + body.to());
      }
      return new Requests.Done(service.forceActive(actor(request)));
    }
    String owner = service.claim().activeNode();
    String target = body.to() != null ? body.to() : owner.equals(self) ? peer : self;
    if (target.equals(owner)) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          service.name() + " is already active on " + owner + "; nothing to switch over");
    }
    if (owner.equals(self)) {
      return service.switchover(actor(request), daemon.peerCommands());
    }
    return daemon.peerCommands().switchover(service.name(), target, actor(request));
  }

  /** A switchover an operator asked of the peer, which does not own the service. */
  private Object forwardedSwitchover(ApiRequest request, Requests.Switchover body) {
    ServiceRuntime service = service(request);
    String self = daemon.self().value();
    String owner = service.claim().activeNode();
    if (!owner.equals(self) || !body.to().equals(daemon.peer().value())) {
      throw new OperationException(
          OperationException.Kind.CONFLICT,
          "a switchover to "
              + body.to()
              + " was sent to "
              + self
              + ", but "
              + owner
              + " owns "
              + service.name());
    }
    return service.switchover(actorOf(request, body.actor()), daemon.peerCommands());
  }

  /** Asked of either node: the divergent data is on the one that does not own the service. */
  private Object divergence(ApiRequest request) {
    ServiceRuntime service = service(request);
    if (service.claim().activeNode().equals(daemon.self().value())) {
      return service.divergentPeer().divergence(service.name());
    }
    return service.divergence();
  }

  private ServiceRuntime service(ApiRequest request) {
    String name = request.pathParam("service");
    return daemon
        .service(name)
        .orElseThrow(
            () ->
                ApiProblem.notFound(
                    "no service '" + name + "' on this node",
                    "use a service name from `zferry status`"));
  }

  private static String actor(ApiRequest request) {
    return request.caller().who() + "@" + request.remoteAddress();
  }

  /** The peer acts for an operator: the operator's name goes into the history, with the peer's. */
  private static String actorOf(ApiRequest request, String onBehalfOf) {
    String caller = actor(request);
    return onBehalfOf == null ? caller : onBehalfOf + " via " + caller;
  }

  private static Object act(Supplier<Object> action) {
    try {
      return action.get();
    } catch (OperationException e) {
      int status =
          switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FAILED -> 500;
            case UNANSWERED -> 504;
          };
      throw new ApiProblem(status, e.getMessage(), fixFor(e.kind()));
    }
  }

  private static String fixFor(OperationException.Kind kind) {
    return switch (kind) {
      case INVALID -> "correct the request";
      case NOT_FOUND -> "use a service name from `zferry status`";
      case CONFLICT -> "see `zferry status` on both nodes; the message says what is needed";
      case FAILED -> "see the zferryd log and the event history of both nodes";
      case UNANSWERED ->
          "the peer may have acted: see `zferry status` on both nodes before doing anything else";
    };
  }
}
