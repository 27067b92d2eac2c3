package io.chatplatform.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * Mutual TLS on the clustered event bus: every member presents a certificate and accepts only
 * peers whose certificate the cluster's authority issued, and the handshake proves each side
 * holds its certificate's private key. A process without that authority's certificate can neither
 * send to an event bus port (it cannot finish the handshake) nor be sent to (members refuse its
 * certificate), and the traffic between members is encrypted.
 *
 * <p>The authority is, unless the operator gives files ({@link ClusterConfig.TlsFiles}), derived
 * from {@code CLUSTER_SECRET}, so nothing has to be distributed but the secret:
 * <ul>
 *   <li>its P-256 private key is HKDF-SHA256 of the secret's event bus key, reduced to a scalar
 *       (48 bytes, so the reduction has no measurable bias); BouncyCastle computes the public key;
 *   <li>its self-signed certificate has fixed names, serial and validity and a deterministic
 *       ECDSA signature (RFC 6979, BouncyCastle's): every member builds the very same
 *       certificate and trusts it alone;
 *   <li>each member makes a fresh P-256 key of its own at start-up, with a certificate the
 *       authority signs. The authority's key signs that once and never appears in a handshake.
 * </ul>
 *
 * <p>Vert.x's event bus client checks no host name: the chain to the authority is what makes a
 * member. The key and certificates are handed to Vert.x as PEM text, not as key managers: Vert.x
 * copies the event bus options through their JSON form into its TCP server and client options.
 */
final class EventBusTls {
  /** BouncyCastle as an instance for this class alone, not installed in the JVM's provider list. */
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CURVE = "secp256r1";
  private static final X500Name AUTHORITY = new X500Name("CN=chat-platform cluster authority");
  private static final X500Name MEMBER = new X500Name("CN=chat-platform cluster member");
  /** Fixed, so every member builds the same authority certificate. */
  private static final Date NOT_BEFORE = Date.from(Instant.parse("2000-01-01T00:00:00Z"));
  private static final Date NOT_AFTER = Date.from(Instant.parse("9999-12-31T23:59:59Z"));
  private static final byte[] AUTHORITY_KEY_INFO = "chat-platform event bus authority p-256 v2".getBytes(StandardCharsets.UTF_8);
  /** Bytes of key material per scalar: the curve order's 32 and 16 more. */
  private static final int SCALAR_BYTES = 48;

  private EventBusTls() {}

  /**
   * What a member presents and whom it accepts.
   *
   * @param key the private key of {@code chain}'s first certificate
   * @param chain this member's certificate, then the certificates that issued it
   * @param authorities the certificates a peer's chain must lead to
   */
  record Material(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> authorities) {}

  /** The material {@code cluster} asks for: its files when set, else derived from the secret. */
  static Material material(ClusterConfig cluster, ClusterSecret secret) {
    return cluster.tlsFiles() == null ? derived(secret) : fromFiles(cluster.tlsFiles());
  }

  /** Turns TLS with client authentication on in {@code options}, with {@code material}. */
  static EventBusOptions configure(EventBusOptions options, Material material) {
    return options
        .setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyValue(pem(List.of(new PemObject("PRIVATE KEY", material.key().getEncoded()))))
            .setCertValue(pem(material.chain())))
        .setTrustOptions(new PemTrustOptions().addCertValue(pem(material.authorities())));
  }

  /** The authority derived from {@code secret}, and a fresh key and certificate for this member. */
  static Material derived(ClusterSecret secret) {
    try {
      KeyPair authority = authorityKeyPair(secret.eventBusSeed());
      X509Certificate authorityCertificate = authorityCertificate(authority);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
      KeyPair member = generator.generateKeyPair();
      X509Certificate memberCertificate = sign(
          new JcaX509v3CertificateBuilder(AUTHORITY, new BigInteger(127, RANDOM).setBit(126), NOT_BEFORE, NOT_AFTER, MEMBER, member.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false,
                  new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})),
          authority.getPrivate());
      return new Material(member.getPrivate(), List.of(memberCertificate, authorityCertificate), List.of(authorityCertificate));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the event bus TLS key", e);
    }
  }

  /** The authority's P-256 key pair of a 32-byte seed: the same seed gives the same pair on every JVM. */
  static KeyPair authorityKeyPair(byte[] seed) throws GeneralSecurityException {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(seed, null, AUTHORITY_KEY_INFO));
    byte[] material = new byte[SCALAR_BYTES];
    hkdf.generateBytes(material, 0, material.length);
    ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec(CURVE);
    // In [1, n-1], as FIPS 186-5 derives a key from random bits longer than the order.
    BigInteger d = new BigInteger(1, material).mod(curve.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE);
    KeyFactory factory = KeyFactory.getInstance("EC", BOUNCY_CASTLE);
    return new KeyPair(
        factory.generatePublic(new ECPublicKeySpec(new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize(), curve)),
        factory.generatePrivate(new ECPrivateKeySpec(d, curve)));
  }

  /** The authority's self-signed certificate: byte for byte the same for the same key pair. */
  static X509Certificate authorityCertificate(KeyPair authority) throws GeneralSecurityException, IOException {
    return sign(
        new JcaX509v3CertificateBuilder(AUTHORITY, BigInteger.ONE, NOT_BEFORE, NOT_AFTER, AUTHORITY, authority.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)),
        authority.getPrivate());
  }

  /** Signs with ECDSA-SHA256 whose nonce RFC 6979 derives from the key and the certificate. */
  private static X509Certificate sign(X509v3CertificateBuilder certificate, PrivateKey issuer) throws GeneralSecurityException {
    try {
      ContentSigner signer = new DeterministicEcdsa().build(PrivateKeyFactory.createKey(issuer.getEncoded()));
      return new JcaX509CertificateConverter().getCertificate(certificate.build(signer));
    } catch (OperatorCreationException | IOException e) {
      throw new GeneralSecurityException("cannot sign the event bus certificate", e);
    }
  }

  /**
   * ECDSA-SHA256 with the nonce of RFC 6979 (BouncyCastle's {@link HMacDSAKCalculator}): a
   * signature depends on the key and the message alone, and its nonce stays as secret as the key.
   */
  private static final class DeterministicEcdsa extends BcContentSignerBuilder {
    private static final AlgorithmIdentifier ECDSA_SHA256 = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");

    DeterministicEcdsa() {
      super(ECDSA_SHA256, new DefaultDigestAlgorithmIdentifierFinder().find(ECDSA_SHA256));
    }

    @Override
    protected Signer createSigner(AlgorithmIdentifier signature, AlgorithmIdentifier digest) {
      return new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())), new SHA256Digest());
    }
  }

  /**
   * The operator's material, checked now rather than at the first connection: the key belongs to
   * the certificate, and the certificate leads to one of the authorities.
   */
  static Material fromFiles(ClusterConfig.TlsFiles files) {
    List<X509Certificate> chain = certificates(files.certFile(), ClusterConfig.TlsFiles.CERT);
    PrivateKey key = privateKey(files.keyFile());
    List<X509Certificate> authorities = certificates(files.caFile(), ClusterConfig.TlsFiles.CA);
    requireKeyOf(key, chain.get(0));
    requireIssued(chain, authorities);
    return new Material(key, chain, authorities);
  }

  private static List<Object> readPem(String file, String setting) {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(Path.of(file), StandardCharsets.US_ASCII))) {
      List<Object> objects = new ArrayList<>();
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
      return objects;
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read PEM from " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(String file, String setting) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object object : readPem(file, setting)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(converter.getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException(setting + ": unreadable certificate in " + file, e);
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(setting + ": no CERTIFICATE in " + file);
    }
    return certificates;
  }

  /** An unencrypted key, in any PEM form Vert.x reads (PKCS#8, or RSA / EC of OpenSSL). */
  private static PrivateKey privateKey(String file) {
    String setting = ClusterConfig.TlsFiles.KEY;
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : readPem(file, setting)) {
      try {
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(setting + ": unreadable private key in " + file, e);
      }
    }
    throw new IllegalArgumentException(setting + ": no unencrypted PRIVATE KEY in " + file);
  }

  private static void requireKeyOf(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm();
    };
    String mismatch = ClusterConfig.TlsFiles.KEY + " is not the key of " + ClusterConfig.TlsFiles.CERT;
    boolean matches;
    try {
      byte[] probe = new byte[32];
      RANDOM.nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(mismatch, e);
    }
    if (!matches) {
      throw new IllegalArgumentException(mismatch);
    }
  }

  /** Validates {@code chain} as a peer will (JDK PKIX): every signature, validity, constraints. */
  private static void requireIssued(List<X509Certificate> chain, List<X509Certificate> authorities) {
    List<X509Certificate> path = chain.stream().filter(c -> !authorities.contains(c)).toList();
    if (path.isEmpty()) {
      return;
    }
    try {
      Set<TrustAnchor> anchors = authorities.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          ClusterConfig.TlsFiles.CERT + " is not issued by " + ClusterConfig.TlsFiles.CA + ": " + e.getMessage(), e);
    }
  }

  private static Buffer pem(List<?> objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof PemObjectGenerator generator) {
          writer.writeObject(generator);
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write PEM", e);
    }
    return Buffer.buffer(text.toString());
  }
}
