package io.baton.cluster;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/** The cluster as this node sees it now, for the operator's status. */
public final class ClusterView {
  private ClusterView() {}

  /** Each member's address and its status in lower case (up, joining, leaving, ...), or "unreachable". */
  public static Map<String, String> members(ActorSystem<?> system) {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Map<String, String> members = new TreeMap<>();
    for (Member member : state.getMembers()) {
      members.put(member.address().toString(), member.status().toString().toLowerCase(Locale.ROOT));
    }
    for (Member member : state.getUnreachable()) {
      members.put(member.address().toString(), "unreachable");
    }
    return members;
  }

  /**
   * Whether another member that could take over is in the cluster: any member but this one that is
   * not down, leaving or removed, reachable or not (an unreachable one may be about to take over).
   * An actor system that is not a cluster member has none.
   */
  public static boolean othersPresent(org.apache.pekko.actor.ActorSystem system) {
    if (!(system.provider() instanceof org.apache.pekko.cluster.ClusterActorRefProvider)) {
      return false;
    }
    org.apache.pekko.cluster.Cluster cluster = org.apache.pekko.cluster.Cluster.get(system);
    for (Member member : cluster.state().getMembers()) {
      if (!member.address().equals(cluster.selfAddress()) && switch (member.status().toString()) {
        case "Down", "Leaving", "Exiting", "Removed" -> false;
        default -> true;
      }) {
        return true;
      }
    }
    return false;
  }
}
