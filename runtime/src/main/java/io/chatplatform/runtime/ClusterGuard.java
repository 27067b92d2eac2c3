package io.chatplatform.runtime;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import com.hazelcast.internal.cluster.impl.JoinMessage;
import com.hazelcast.internal.cluster.impl.JoinRequest;
import java.util.function.Consumer;

/**
 * Keeps members without {@code CLUSTER_SECRET} out of the Hazelcast cluster. Hazelcast's open
 * source edition has no member authentication (that is an Enterprise feature), so this uses the
 * one hook it has: the node extension, whose {@code validateJoinRequest} the master calls for
 * every join. A request whose member attributes carry no valid proof ({@link ClusterSecret}) is
 * refused before the member is admitted, before it receives any partition or event bus
 * registration; Hazelcast tells a refused member to shut down.
 *
 * <p>The check runs on the master. If the master itself has no proof (a stranger started first
 * and legitimate members joined it), {@link Watch} notices it on every legitimate member, which
 * then refuses to work in that cluster.
 *
 * <p>This uses Hazelcast internals ({@code com.hazelcast.instance.impl},
 * {@code com.hazelcast.internal.cluster.impl}) of the version the Vert.x stack brings (5.3); a
 * Hazelcast upgrade must keep {@code ClusterSecurityTest} passing.
 */
final class ClusterGuard {
  private ClusterGuard() {}

  /** Builds each node with {@link GuardedExtension}; everything else as Hazelcast's default. */
  static final class GuardedNodeContext extends DefaultNodeContext {
    private final ClusterSecret secret;

    GuardedNodeContext(ClusterSecret secret) {
      this.secret = secret;
    }

    @Override
    public NodeExtension createNodeExtension(Node node) {
      return new GuardedExtension(node, secret);
    }
  }

  static final class GuardedExtension extends DefaultNodeExtension {
    private final ClusterSecret secret;

    GuardedExtension(Node node, ClusterSecret secret) {
      super(node);
      this.secret = secret;
    }

    @Override
    public void validateJoinRequest(JoinMessage joinMessage) {
      super.validateJoinRequest(joinMessage);
      // Split-brain merge checks carry no attributes; the members of a merging cluster then
      // join one by one with a JoinRequest, which is checked here.
      if (joinMessage instanceof JoinRequest request && !secret.verifies(request.getAttributes())) {
        throw new SecurityException(
            "refused member " + request.getAddress() + ": it did not prove it knows this cluster's CLUSTER_SECRET");
      }
    }
  }

  /**
   * Checks every member this node sees, the ones present when it joined and every later one; the
   * first without a valid proof is handed to {@code onStranger}.
   */
  static final class Watch implements InitialMembershipListener {
    private final ClusterSecret secret;
    private final Consumer<Member> onStranger;

    Watch(ClusterSecret secret, Consumer<Member> onStranger) {
      this.secret = secret;
      this.onStranger = onStranger;
    }

    @Override
    public void init(InitialMembershipEvent event) {
      event.getMembers().forEach(this::check);
    }

    @Override
    public void memberAdded(MembershipEvent event) {
      check(event.getMember());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {}

    private void check(Member member) {
      if (!secret.verifies(member.getAttributes())) {
        onStranger.accept(member);
      }
    }
  }
}
