package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CLUSTER_SECRET: the join proof and the event bus authority")
class ClusterSecretTest {
  static final String SECRET = "cluster-secret-test-secret-0123456789";

  @Test
  @DisplayName("a proof verifies with the same secret and cluster name only, and cannot be edited")
  void proof() {
    ClusterSecret secret = new ClusterSecret(SECRET, "chat");
    Map<String, String> proof = secret.newProof();
    assertThat(secret.verifies(proof)).isTrue();
    assertThat(new ClusterSecret(SECRET, "other").verifies(proof)).isFalse();
    assertThat(new ClusterSecret(SECRET + "x", "chat").verifies(proof)).isFalse();
    Map<String, String> edited = new HashMap<>(proof);
    edited.put(ClusterSecret.NONCE_ATTRIBUTE, "another-nonce");
    assertThat(secret.verifies(edited)).isFalse();
    assertThat(secret.verifies(Map.of())).isFalse();
    assertThat(secret.newProof()).as("a fresh nonce each time").isNotEqualTo(proof);
    assertThat(proof.values()).noneMatch(v -> v.contains(SECRET));
  }

  @Test
  @DisplayName("the event bus authority is the same on every member with the secret, and another secret gives another")
  void eventBusAuthority() throws Exception {
    byte[] key = EventBusTls.authorityKeyPair(new ClusterSecret(SECRET, "chat").eventBusSeed()).getPublic().getEncoded();
    assertThat(EventBusTls.authorityKeyPair(new ClusterSecret(SECRET, "other-name").eventBusSeed()).getPublic().getEncoded()).isEqualTo(key);
    assertThat(EventBusTls.authorityKeyPair(new ClusterSecret(SECRET + "x", "chat").eventBusSeed()).getPublic().getEncoded()).isNotEqualTo(key);
    // Byte for byte the same certificate, so each member's is the trust anchor of the others.
    byte[] seed = new ClusterSecret(SECRET, "chat").eventBusSeed();
    assertThat(EventBusTls.authorityCertificate(EventBusTls.authorityKeyPair(seed)).getEncoded())
        .isEqualTo(EventBusTls.authorityCertificate(EventBusTls.authorityKeyPair(seed)).getEncoded());
  }

  @Test
  @DisplayName("each member presents a key of its own, issued by the authority every member derives; the authority's key is never presented")
  void memberCertificates() throws Exception {
    EventBusTls.Material one = EventBusTls.derived(new ClusterSecret(SECRET, "chat"));
    EventBusTls.Material two = EventBusTls.derived(new ClusterSecret(SECRET, "chat"));
    X509Certificate oneMember = one.chain().get(0);
    assertThat(oneMember.getPublicKey()).isNotEqualTo(two.chain().get(0).getPublicKey());
    assertThat(two.authorities()).isEqualTo(one.authorities());
    X509Certificate authority = two.authorities().get(0);
    oneMember.verify(authority.getPublicKey());
    assertThat(oneMember.getPublicKey()).isNotEqualTo(authority.getPublicKey());
    assertThat(oneMember.getBasicConstraints()).as("not an authority").isEqualTo(-1);
    assertThat(authority.getBasicConstraints()).isZero();

    X509Certificate stranger = EventBusTls.derived(new ClusterSecret(SECRET + "x", "chat")).chain().get(0);
    assertThatThrownBy(() -> stranger.verify(authority.getPublicKey())).isInstanceOf(SignatureException.class);
  }

  @Test
  @DisplayName("a clustered node needs CLUSTER_SECRET of at least 32 characters, and its config never prints it")
  void required() {
    assertThatThrownBy(() -> ClusterConfig.from(Settings.of(Map.of()))).hasMessageContaining("CLUSTER_SECRET");
    assertThatThrownBy(() -> ClusterConfig.from(Settings.of(Map.of("CLUSTER_SECRET", "short")))).hasMessageContaining("CLUSTER_SECRET");
    ClusterConfig config = ClusterConfig.from(Settings.of(Map.of("CLUSTER_SECRET", SECRET)));
    assertThat(config.toString()).doesNotContain(SECRET);
  }
}
