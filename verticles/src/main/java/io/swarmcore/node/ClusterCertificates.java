package io.swarmcore.node;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's own certificate authority and the node certificates it signs, for mutual TLS on the
 * event bus: ECDSA P-256 keys, PEM files, private keys owner-only. Every node certificate serves as
 * both server and client (each event-bus peer is both).
 */
public final class ClusterCertificates {
  static final Duration VALIDITY = Duration.ofDays(825);
  private static final String SIGNATURE = "SHA256withECDSA";

  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final SecureRandom random;

  private ClusterCertificates(KeyPair caKeys, X509Certificate ca, SecureRandom random) {
    this.caKeys = caKeys;
    this.ca = ca;
    this.random = random;
  }

  /** A new CA named after the cluster. */
  public static ClusterCertificates newAuthority(String clusterName, SecureRandom random) {
    KeyPair keys = ecKeyPair(random);
    X500Name name = new X500Name("CN=Swarm cluster CA " + clusterName);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          builder(name, name, keys.getPublic(), random)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      return new ClusterCertificates(keys, sign(builder, keys), random);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the cluster CA: " + e.getMessage(), e);
    }
  }

  /** Writes the CA certificate and (owner-only) its private key, to sign later nodes with. */
  public void writeAuthority(Path certFile, Path keyFile) {
    write(certFile, pem(ca), false);
    write(keyFile, pem(caKeys.getPrivate()), true);
  }

  /**
   * Issues a certificate for {@code nodeId}, valid for {@code host} (an IP address or a DNS name)
   * and for loopback, and writes it with its private key.
   */
  public void writeNode(String nodeId, String host, Path certFile, Path keyFile) {
    KeyPair keys = ecKeyPair(random);
    // A set: the host is often 127.0.0.1 or localhost already.
    java.util.Set<GeneralName> names = new java.util.LinkedHashSet<>();
    names.add(subjectName(host));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          builder(
                  new X500Name(ca.getSubjectX500Principal().getName()),
                  new X500Name("CN=" + nodeId),
                  keys.getPublic(),
                  random)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(ca));
      X509Certificate certificate = sign(builder, caKeys);
      write(certFile, pem(certificate) + pem(ca), false);
      write(keyFile, pem(keys.getPrivate()), true);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException(
          "cannot issue a certificate for " + nodeId + ": " + e.getMessage(), e);
    }
  }

  private static GeneralName subjectName(String host) {
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress());
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + host, e);
      }
    }
    return new GeneralName(GeneralName.dNSName, host);
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, java.security.PublicKey key, SecureRandom random) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(127, random).add(BigInteger.ONE),
        // An hour back: clocks of the machines in a cluster never agree exactly.
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static KeyPair ecKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys: " + e.getMessage(), e);
    }
  }

  private static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(
          object instanceof java.security.PrivateKey key
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate()
              : object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Creates the file (never overwrites); a private key is owner-only from the moment it exists. */
  private static void write(Path path, String content, boolean secret) {
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      if (secret && path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
      }
      Files.writeString(path, content);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new IllegalStateException(path + " already exists; refusing to overwrite it", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
