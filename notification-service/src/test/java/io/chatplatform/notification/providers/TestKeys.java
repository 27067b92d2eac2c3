package io.chatplatform.notification.providers;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and certificates the provider stand-ins need, made fresh for each test run. */
public final class TestKeys {
  private TestKeys() {}

  /** A P-256 key pair: APNs provider keys are ES256 (.p8 files hold the private half). */
  public static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RSA key pair like a Google service account's (RS256). */
  public static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed certificate for localhost, to serve TLS from a stand-in and to trust in the client. */
  public static X509Certificate localhostCertificate(KeyPair keys) {
    try {
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=localhost");
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(1, ChronoUnit.DAYS)),
              Date.from(now.plus(1, ChronoUnit.DAYS)),
              name,
              keys.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
      String algorithm = keys.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code objects} (certificates, keys) PEM-encoded into {@code file}. */
  public static Path writePem(Path file, Object... objects) {
    try {
      StringWriter text = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
        for (Object object : objects) {
          writer.writeObject(object);
        }
      }
      return Files.writeString(file, text.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#8 private key in the "-----BEGIN PRIVATE KEY-----" form Apple's .p8 files and service accounts use. */
  public static String pkcs8Pem(java.security.PrivateKey key) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }
}
