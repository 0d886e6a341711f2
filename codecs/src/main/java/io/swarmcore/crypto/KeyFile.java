package io.swarmcore.crypto;

import io.swarmcore.crypto.vrf.VrfKeyPair;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * A validator's key file: JSON with hex fields, readable by its owner only.
 *
 * <pre>
 * {"format":"swarm-key-v1","signing":{"algorithm":"Ed25519","publicKey":"..","secretKey":".."}}
 * </pre>
 *
 * The public key is stored too so that an operator can read it off the file, and so that a
 * corrupted secret is caught at load (the stored and derived public keys must agree).
 */
public final class KeyFile {
  public static final String FORMAT = "swarm-key-v1";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private KeyFile() {}

  /**
   * Writes {@code key} to a new file at {@code path}, owner-only from the moment it exists. Never
   * overwrites: losing a validator key is worse than a failed command.
   */
  public static void write(Path path, SigningKey key) {
    write(path, key, null);
  }

  /** Like {@link #write(Path, SigningKey)}, with the validator's VRF key pair as well. */
  public static void write(Path path, SigningKey key, VrfKeyPair vrf) {
    if (Files.exists(path)) {
      throw new KeyFileException("key file " + path + " already exists; refusing to overwrite it");
    }
    JsonObject json =
        new JsonObject()
            .put("format", FORMAT)
            .put(
                "signing",
                new JsonObject()
                    .put("algorithm", "Ed25519")
                    .put("publicKey", key.publicKey().hex())
                    .put("secretKey", HexFormat.of().formatHex(key.seed())));
    if (vrf != null) {
      json.put(
          "vrf",
          new JsonObject()
              .put("suite", vrf.suite().name())
              .put("publicKey", HexFormat.of().formatHex(vrf.publicKey()))
              .put("secretKey", HexFormat.of().formatHex(vrf.secretKey())));
    }
    byte[] content = (json.encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8);
    Path absolute = path.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
      Path temp = Files.createTempFile(absolute.getParent(), ".key-", ".tmp", ownerOnly(absolute));
      try {
        Files.write(temp, content);
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new KeyFileException("key file " + path + " already exists; refusing to overwrite it");
    } catch (IOException e) {
      throw new KeyFileException("cannot write key file " + path + ": " + e, e);
    }
  }

  /** Reads and checks a key file's signing key; every failure names the file and the problem. */
  public static SigningKey read(Path path) {
    return readValidatorKeys(path).signing();
  }

  /** A validator's keys: the Ed25519 signing key and, when the file has one, its VRF key pair. */
  public record ValidatorKeys(SigningKey signing, Optional<VrfKeyPair> vrf) {}

  /** Reads and checks every key in a key file. */
  public static ValidatorKeys readValidatorKeys(Path path) {
    checkPermissions(path);
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new KeyFileException(
          "key file "
              + path
              + " does not exist (create one with: swarm keygen --out "
              + path
              + ")");
    } catch (IOException e) {
      throw new KeyFileException("cannot read key file " + path + ": " + e, e);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new KeyFileException("key file " + path + " is not a JSON object");
    }
    if (!FORMAT.equals(json.getValue("format"))) {
      throw new KeyFileException(
          "key file "
              + path
              + ": \"format\" must be \""
              + FORMAT
              + "\", got "
              + json.getValue("format"));
    }
    if (!(json.getValue("signing") instanceof JsonObject signing)) {
      throw new KeyFileException("key file " + path + ": missing object \"signing\"");
    }
    if (!"Ed25519".equals(signing.getValue("algorithm"))) {
      throw new KeyFileException(
          "key file "
              + path
              + ": signing.algorithm must be \"Ed25519\", got "
              + signing.getValue("algorithm"));
    }
    SigningKey key =
        SigningKey.fromSeed(
            hexField(path, signing, "signing", "secretKey", SigningKey.SEED_LENGTH));
    byte[] storedPublic = hexField(path, signing, "signing", "publicKey", PublicKey.LENGTH);
    // Compared as bytes: a stored value that is not a valid key at all is as corrupt as another's.
    if (!Arrays.equals(key.publicKey().bytes(), storedPublic)) {
      throw new KeyFileException(
          "key file "
              + path
              + ": signing.publicKey does not belong to signing.secretKey (the file is corrupt)");
    }
    return new ValidatorKeys(key, readVrf(path, json));
  }

  private static Optional<VrfKeyPair> readVrf(Path path, JsonObject json) {
    if (json.getValue("vrf") == null) {
      return Optional.empty();
    }
    if (!(json.getValue("vrf") instanceof JsonObject vrf)) {
      throw new KeyFileException("key file " + path + ": \"vrf\" must be an object");
    }
    VrfSuite suite;
    try {
      suite = VrfSuite.fromName(String.valueOf(vrf.getValue("suite")));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException("key file " + path + ": vrf.suite: " + e.getMessage());
    }
    byte[] secret = hexField(path, vrf, "vrf", "secretKey", suite.secretKeyLength());
    byte[] stored = hexField(path, vrf, "vrf", "publicKey", suite.publicKeyLength());
    byte[] derived;
    try {
      derived = suite.vrf().publicKey(secret);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException("key file " + path + ": vrf.secretKey: " + e.getMessage());
    }
    if (!Arrays.equals(derived, stored)) {
      throw new KeyFileException(
          "key file "
              + path
              + ": vrf.publicKey does not belong to vrf.secretKey (the file is corrupt)");
    }
    return Optional.of(new VrfKeyPair(suite, secret, stored));
  }

  private static byte[] hexField(
      Path path, JsonObject object, String section, String field, int length) {
    if (!(object.getValue(field) instanceof String hex)) {
      throw new KeyFileException(
          "key file " + path + ": missing string field " + section + "." + field);
    }
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException("key file " + path + ": " + section + "." + field + " is not hex");
    }
    if (bytes.length != length) {
      throw new KeyFileException(
          "key file "
              + path
              + ": "
              + section
              + "."
              + field
              + " must be "
              + length
              + " bytes ("
              + 2 * length
              + " hex digits), got "
              + bytes.length);
    }
    return bytes;
  }

  private static void checkPermissions(Path path) {
    if (!Files.exists(path) || !supportsPosix(path)) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
        throw new KeyFileException(
            "key file "
                + path
                + " is accessible by group or others ("
                + PosixFilePermissions.toString(permissions)
                + "); restrict it with: chmod 600 "
                + path);
      }
    } catch (IOException e) {
      throw new KeyFileException("cannot read the permissions of key file " + path + ": " + e, e);
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path path) {
    if (!supportsPosix(path.getParent())) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
