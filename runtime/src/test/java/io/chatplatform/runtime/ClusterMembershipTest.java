package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.ClusterState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The cluster readiness check: a running member, listed in its cluster, which takes operations")
class ClusterMembershipTest {
  @Test
  @DisplayName("ready only when running, listed, and the cluster ACTIVE (or NO_MIGRATION); each failure says why")
  void verdicts() {
    assertThat(ClusterMembership.problem(true, true, ClusterState.ACTIVE)).isNull();
    assertThat(ClusterMembership.problem(true, true, ClusterState.NO_MIGRATION)).isNull();
    assertThat(ClusterMembership.problem(false, false, null)).contains("not running");
    assertThat(ClusterMembership.problem(true, false, ClusterState.ACTIVE)).contains("not in the cluster");
    assertThat(ClusterMembership.problem(true, true, ClusterState.FROZEN)).contains("FROZEN");
    assertThat(ClusterMembership.problem(true, true, ClusterState.PASSIVE)).contains("PASSIVE");
  }
}
