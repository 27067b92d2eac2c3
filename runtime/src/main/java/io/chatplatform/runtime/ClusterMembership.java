package io.chatplatform.runtime;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import java.util.Set;

/**
 * The readiness check {@value #CHECK} of a clustered node: its Hazelcast member is running, is a
 * member of the cluster it sees, and that cluster takes operations. A node that left (shut down,
 * or was split off and gave up) or whose cluster is frozen or passive (being shut down) cannot
 * reach the services it needs, nor be reached, and must not be sent clients.
 *
 * <p>Every answer is read from the member's own state: no call crosses the network.
 */
public final class ClusterMembership {
  /** The name of the check in {@code /health/ready}. */
  public static final String CHECK = "cluster";

  private ClusterMembership() {}

  /** The check of {@code hazelcast}'s membership. */
  public static Future<Void> check(HazelcastInstance hazelcast) {
    String problem;
    try {
      boolean running = hazelcast.getLifecycleService().isRunning();
      Set<Member> members = running ? hazelcast.getCluster().getMembers() : Set.of();
      boolean listed = running && members.contains(hazelcast.getCluster().getLocalMember());
      problem = problem(running, listed, running ? hazelcast.getCluster().getClusterState() : null);
    } catch (RuntimeException notActive) {
      problem = "the member is not active: " + notActive.getClass().getSimpleName();
    }
    return problem == null ? Future.succeededFuture() : Future.failedFuture(problem);
  }

  /** Why a member in this state is not ready; null when it is. */
  static String problem(boolean running, boolean listed, ClusterState state) {
    if (!running) {
      return "the Hazelcast member is not running";
    }
    if (!listed) {
      return "this member is not in the cluster's member list";
    }
    if (state != ClusterState.ACTIVE && state != ClusterState.NO_MIGRATION) {
      return "the cluster is " + state;
    }
    return null;
  }
}
