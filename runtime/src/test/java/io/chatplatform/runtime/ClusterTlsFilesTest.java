package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus with the operator's certificate, key and authority files ({@code CLUSTER_TLS_*})
 * instead of the authority derived from {@code CLUSTER_SECRET}: an authority and its members'
 * certificates are made here with BouncyCastle, as an operator's PKI would.
 */
@DisplayName("Cluster: the event bus with the operator's CLUSTER_TLS_* files")
class ClusterTlsFilesTest {
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String NAME = "tls-files-test";
  static final String SECRET = "cluster-tls-files-test-secret-0123456789";
  /** Hazelcast on PORT and PORT + 1, the event bus on PORT + 10 and PORT + 11: below the ephemeral range. */
  static final int PORT = 5921;
  static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  @TempDir static Path dir;
  static Issued first;
  static Issued second;
  static Issued intruder;
  static ServiceNode firstNode;
  static ServiceNode secondNode;
  static Vertx outsider;

  /** A certificate and key file, and the authority file that must be trusted. */
  record Issued(Path cert, Path key, Path ca) {
    Map<String, String> settings() {
      return Map.of("CLUSTER_TLS_CERT_FILE", cert.toString(), "CLUSTER_TLS_KEY_FILE", key.toString(), "CLUSTER_TLS_CA_FILE", ca.toString());
    }

    NetClientOptions client() {
      return new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    }
  }

  /** An authority of the test's own, which issues member certificates into {@link #dir}. */
  record Authority(String name, KeyPair keys, X509Certificate certificate, Path file) {
    static Authority create(String name) throws Exception {
      KeyPair keys = ecKeys();
      X500Name subject = new X500Name("CN=" + name);
      X509Certificate certificate = sign(builder(subject, subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)), keys);
      Path file = dir.resolve(name + "-ca.pem");
      writePem(file, certificate);
      return new Authority(name, keys, certificate, file);
    }

    /** A member certificate; {@code withChain} appends the authority's certificate to its file. */
    Issued issue(String member, boolean withChain, boolean pkcs8) throws Exception {
      KeyPair memberKeys = ecKeys();
      X509Certificate certificate = sign(builder(new X500Name("CN=" + name), new X500Name("CN=" + member), memberKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})), keys);
      Path cert = dir.resolve(member + ".crt");
      Path key = dir.resolve(member + ".key");
      writePem(cert, withChain ? new Object[] {certificate, this.certificate} : new Object[] {certificate});
      writePem(key, pkcs8 ? new JcaPKCS8Generator(memberKeys.getPrivate(), null) : memberKeys.getPrivate());
      return new Issued(cert, key, file);
    }
  }

  /** BouncyCastle's keys: their OpenSSL form (EC PRIVATE KEY) names the curve, as openssl's does. */
  static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BOUNCY_CASTLE);
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(now.minusSeconds(3600)),
        Date.from(now.plus(Duration.ofDays(1))), subject, key);
  }

  static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  static void writePem(Path file, Object... objects) throws IOException {
    try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        pem.writeObject(object);
      }
    }
  }

  static ClusterConfig config(Issued issued, int port) {
    return ClusterConfig.from(Settings.of(Map.of(
        "CLUSTER_NAME", NAME,
        "CLUSTER_SECRET", SECRET,
        "CLUSTER_HOST", "127.0.0.1",
        "CLUSTER_PORT", String.valueOf(port),
        "CLUSTER_MEMBERS", "127.0.0.1:" + PORT + ",127.0.0.1:" + (PORT + 1),
        "EVENTBUS_PORT", String.valueOf(port + 10))).with(issued.settings()));
  }

  @BeforeAll
  static void start() throws Exception {
    Authority ours = Authority.create("cluster-authority");
    first = ours.issue("first", true, false);
    second = ours.issue("second", false, true);
    intruder = Authority.create("another-authority").issue("intruder", true, false);
    Future<ServiceNode> starting = ServiceNode.clustered(config(first, PORT));
    secondNode = Await.result(ServiceNode.clustered(config(second, PORT + 1)), TIMEOUT);
    firstNode = Await.result(starting, TIMEOUT);
    outsider = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Await.result(outsider.close());
    Await.result(Future.join(firstNode.close(), secondNode.close()), TIMEOUT);
  }

  @Test
  @DisplayName("two members whose certificates the CLUSTER_TLS_CA_FILE authority issued talk over the event bus, both ways")
  void membersTalk() {
    Await.result(firstNode.vertx().eventBus().<String>consumer("tls-files.echo", m -> m.reply("first heard " + m.body())).completion());
    Await.result(secondNode.vertx().eventBus().<String>consumer("tls-files.back", m -> m.reply("second heard " + m.body())).completion());
    assertThat(Await.result(secondNode.vertx().eventBus().<String>request("tls-files.echo", "hello")).body()).isEqualTo("first heard hello");
    assertThat(Await.result(firstNode.vertx().eventBus().<String>request("tls-files.back", "hi")).body()).isEqualTo("second heard hi");
  }

  @Test
  @DisplayName("the event bus port refuses a certificate of another authority, and the authority CLUSTER_SECRET would derive")
  void otherAuthoritiesRefused() {
    int eventBusPort = PORT + 10;
    // A member's certificate completes a handshake: the port is reachable, so the refusals below are TLS.
    NetSocket member = Await.result(outsider.createNetClient(second.client()).connect(eventBusPort, "127.0.0.1"));
    member.close();

    NetClientOptions intruderClient = intruder.client().setTrustOptions(new PemTrustOptions().addCertPath(first.ca().toString()));
    Future<NetSocket> otherAuthority = outsider.createNetClient(intruderClient)
        .connect(eventBusPort, "127.0.0.1")
        .compose(ClusterSecurityTest::closedByPeer);
    assertThat(Await.failure(otherAuthority)).as("refused, not timed out").isNotNull();

    EventBusOptions derived = EventBusTls.configure(new EventBusOptions(), EventBusTls.derived(new ClusterSecret(SECRET, NAME)));
    NetClientOptions derivedClient = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
        .setKeyCertOptions(derived.getKeyCertOptions()).setTrustOptions(new PemTrustOptions().addCertPath(first.ca().toString()));
    Future<NetSocket> secretOnly = outsider.createNetClient(derivedClient)
        .connect(eventBusPort, "127.0.0.1")
        .compose(ClusterSecurityTest::closedByPeer);
    assertThat(Await.failure(secretOnly)).as("refused, not timed out").isNotNull();
  }

  @Test
  @DisplayName("the three files go together, and a key of another certificate or a certificate of another authority stops the start")
  void filesCheckedAtStart() {
    Map<String, String> base = Map.of("CLUSTER_SECRET", SECRET);
    assertThat(ClusterConfig.from(Settings.of(base)).tlsFiles()).isNull();
    assertThatThrownBy(() -> ClusterConfig.from(Settings.of(base).with(Map.of("CLUSTER_TLS_CERT_FILE", first.cert().toString()))))
        .hasMessageContaining("set together");

    Issued wrongKey = new Issued(first.cert(), second.key(), first.ca());
    assertThatThrownBy(() -> EventBusTls.fromFiles(config(wrongKey, PORT).tlsFiles()))
        .hasMessageContaining("CLUSTER_TLS_KEY_FILE is not the key of CLUSTER_TLS_CERT_FILE");
    Issued wrongAuthority = new Issued(intruder.cert(), intruder.key(), first.ca());
    assertThatThrownBy(() -> EventBusTls.fromFiles(config(wrongAuthority, PORT).tlsFiles()))
        .hasMessageContaining("CLUSTER_TLS_CERT_FILE is not issued by CLUSTER_TLS_CA_FILE");
    Issued noKey = new Issued(first.cert(), first.cert(), first.ca());
    assertThatThrownBy(() -> EventBusTls.fromFiles(config(noKey, PORT).tlsFiles()))
        .hasMessageContaining("no unencrypted PRIVATE KEY");
  }
}
