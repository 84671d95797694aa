package io.zferry.service.operations;

import io.zferry.service.api.ApiProblem;
import io.zferry.service.api.ValidatedBody;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The JSON bodies of the operator and peer endpoints; each validates what it carries. */
public final class Requests {
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern GUID = Pattern.compile("[0-9]{1,20}");

  private Requests() {}

  static String node(String key, String value) {
    if (value == null || !NODE.matcher(value).matches()) {
      throw ApiProblem.badRequest(key + " is not a node name", "give a node name of the cluster");
    }
    return value;
  }

  /**
   * {@code zferry failover SERVICE [--to NODE] [--force]}.
   *
   * @param to the node to make active; null for "the other node"
   * @param force make the node that receives the request active without its peer's consent
   */
  public record Failover(String to, boolean force) implements ValidatedBody {
    @Override
    public void validate() {
      if (to != null) {
        node("to", to);
      }
    }
  }

  /**
   * {@code zferry mark-sync-as-fixed SERVICE NODE1 NODE2 [--discard-divergent]}.
   *
   * @param nodes both nodes of the cluster, as the operator's confirmation of which two are meant
   * @param discardDivergent roll back even if there is no room to keep the divergent data aside
   */
  public record MarkSyncAsFixed(List<String> nodes, boolean discardDivergent)
      implements ValidatedBody {
    @Override
    public void validate() {
      if (nodes == null || nodes.size() != 2) {
        throw ApiProblem.badRequest(
            "name exactly two nodes", "give both nodes of the cluster, such as node-a node-b");
      }
      nodes.forEach(n -> node("nodes", n));
    }
  }

  /**
   * Peer: pull until this snapshot is applied on every dataset.
   *
   * @param snapshot the final snapshot of the pool's root dataset
   * @param guid its GUID
   * @param datasets the final snapshot's GUID on every dataset of the service; absent from an
   *     active of an older version, which asked for the pool's root only
   */
  public record CatchUp(String snapshot, String guid, Map<String, String> datasets)
      implements ValidatedBody {
    public CatchUp(FinalSnapshot last) {
      this(last.name().toString(), last.rootGuid().toString(), byName(last));
    }

    private static Map<String, String> byName(FinalSnapshot last) {
      Map<String, String> datasets = new TreeMap<>();
      last.guids().forEach((d, g) -> datasets.put(d.toString(), g.toString()));
      return datasets;
    }

    @Override
    public void validate() {
      finalSnapshot();
    }

    /** What the active asks for, validated. */
    public FinalSnapshot finalSnapshot() {
      SnapshotName name;
      try {
        name = SnapshotName.parse(snapshot == null ? "" : snapshot);
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badRequest("snapshot is not a snapshot name", "give pool@name");
      }
      if (!name.dataset().isPool()) {
        throw ApiProblem.badRequest(
            "snapshot is not a snapshot of a pool's root dataset", "give pool@name");
      }
      Map<DatasetName, Guid> guids = new TreeMap<>();
      guids.put(name.dataset(), guid("guid", guid));
      if (datasets != null) {
        for (Map.Entry<String, String> e : datasets.entrySet()) {
          DatasetName dataset;
          try {
            dataset = DatasetName.of(e.getKey());
          } catch (IllegalArgumentException bad) {
            throw ApiProblem.badRequest(
                "datasets names something that is not a dataset", "give dataset names as keys");
          }
          if (!name.dataset().contains(dataset)) {
            throw ApiProblem.badRequest(
                "datasets names a dataset outside " + name.dataset(),
                "give the datasets of the service's pool");
          }
          Guid g = guid("datasets", e.getValue());
          if (dataset.equals(name.dataset()) && !g.equals(guids.get(dataset))) {
            throw ApiProblem.badRequest(
                "datasets gives the pool's root another GUID than guid", "give one GUID");
          }
          guids.put(dataset, g);
        }
      }
      return new FinalSnapshot(name, guids);
    }

    private static Guid guid(String key, String value) {
      if (value == null || !GUID.matcher(value).matches()) {
        throw ApiProblem.badRequest(
            key + " is not a decimal GUID", "give the GUID as zfs prints it");
      }
      try {
        return Guid.parse(value);
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badRequest(
            key + " is not a decimal GUID", "give the GUID as zfs prints it");
      }
    }
  }

  /** Peer: become active at this epoch. */
  /**
   * A switchover an operator asked of the node that does not own the service, sent on to the owner,
   * which runs it.
   *
   * @param to the node to make active
   * @param actor who asked, as the node that received the request recorded it
   */
  public record Switchover(String to, String actor) implements ValidatedBody {
    @Override
    public void validate() {
      node("to", to);
      if (actor == null || actor.isBlank() || actor.length() > 200) {
        throw ApiProblem.badRequest(
            "actor must name who asked, in at most 200 characters",
            "send the actor the receiving node recorded");
      }
    }
  }

  public record Promote(long epoch, String actor) implements ValidatedBody {
    @Override
    public void validate() {
      if (epoch < 1) {
        throw ApiProblem.badRequest("epoch must be positive", "give the epoch the owner recorded");
      }
    }
  }

  /** Peer: the old active's half of mark-sync-as-fixed. */
  public record Resync(boolean discardDivergent, String actor) {}

  /** Peer: clear the sync lock at this epoch. */
  public record Unlock(long epoch, String actor, String reason) implements ValidatedBody {
    @Override
    public void validate() {
      if (epoch < 0) {
        throw ApiProblem.badRequest("epoch must not be negative", "give the current epoch");
      }
    }
  }

  /** A one-line answer. */
  public record Done(String result) {}

  /** Operator (Pacemaker's resource agent): start, stop, promote or demote take no arguments. */
  public record PacemakerAction() {}

  /**
   * Peer: the owner's answer to the node Pacemaker promotes ({@link PacemakerHandover.Answer}).
   *
   * @param finalSnapshot null while the owner serves, or when it is not the owner
   */
  public record Handover(String owner, long epoch, boolean serving, CatchUp finalSnapshot) {
    public Handover(PacemakerHandover.Answer answer) {
      this(
          answer.owner(),
          answer.epoch(),
          answer.serving(),
          answer.finalSnapshot().map(CatchUp::new).orElse(null));
    }

    public PacemakerHandover.Answer answer() {
      return new PacemakerHandover.Answer(
          owner, epoch, serving, Optional.ofNullable(finalSnapshot).map(CatchUp::finalSnapshot));
    }
  }

  /** Peer: the owner gives the record to {@code to} at {@code epoch}+1. */
  public record Release(long epoch, String to, String actor) implements ValidatedBody {
    @Override
    public void validate() {
      // A service that never changed owner is at epoch 0.
      if (epoch < 0) {
        throw ApiProblem.badRequest(
            "epoch must not be negative", "give the epoch the owner recorded");
      }
      node("to", to);
    }
  }

  /** The epoch a release recorded. */
  public record Released(long epoch) {}
}
