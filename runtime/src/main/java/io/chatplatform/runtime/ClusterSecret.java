package io.chatplatform.runtime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What {@code CLUSTER_SECRET} is used for, each with its own key derived from it (HMAC-SHA256 of
 * a fixed label), so no use reveals another's key and the secret itself never leaves the process:
 * <ul>
 *   <li>the join proof: every member carries two Hazelcast member attributes, a random nonce and
 *       the HMAC of the cluster name and that nonce; the master admits a member only when its
 *       proof verifies ({@link ClusterGuard}), and every member leaves a cluster that holds a member
 *       without one;
 *   <li>the key of the event bus's TLS authority, unless the operator gives certificate files
 *       ({@link EventBusTls}).
 * </ul>
 */
public final class ClusterSecret {
  /** Shortest accepted {@code CLUSTER_SECRET}, as for {@code JWT_SECRET}. */
  public static final int MIN_LENGTH = 32;
  static final String NONCE_ATTRIBUTE = "chat.cluster.nonce";
  static final String PROOF_ATTRIBUTE = "chat.cluster.proof";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String clusterName;
  private final byte[] joinKey;
  private final byte[] eventBusSeed;

  public ClusterSecret(String secret, String clusterName) {
    if (secret == null || secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("CLUSTER_SECRET must be set to at least " + MIN_LENGTH + " characters");
    }
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    this.clusterName = clusterName;
    this.joinKey = hmac(key, "chat-platform cluster join v1");
    this.eventBusSeed = hmac(key, "chat-platform event bus tls v1");
  }

  /** A fresh nonce and its proof, as member attributes. */
  Map<String, String> newProof() {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    return Map.of(NONCE_ATTRIBUTE, encoded, PROOF_ATTRIBUTE, proof(encoded));
  }

  /** Whether a member's attributes carry a proof made with this secret and cluster name. */
  boolean verifies(Map<String, String> attributes) {
    if (attributes == null) {
      return false;
    }
    String nonce = attributes.get(NONCE_ATTRIBUTE);
    String proof = attributes.get(PROOF_ATTRIBUTE);
    if (nonce == null || proof == null) {
      return false;
    }
    return MessageDigest.isEqual(
        proof(nonce).getBytes(StandardCharsets.US_ASCII), proof.getBytes(StandardCharsets.UTF_8));
  }

  /** 32 bytes from which the event bus authority's key pair is derived. */
  byte[] eventBusSeed() {
    return eventBusSeed.clone();
  }

  private String proof(String nonce) {
    byte[] mac = hmac(joinKey, clusterName + "\n" + nonce);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[redacted]";
  }
}
