package io.swarmcore.election;

import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.election.core.ElectionParameters;
import io.swarmcore.election.core.Validator;
import io.swarmcore.election.core.ValidatorSet;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The genesis file: what every node of a chain must agree on before the first block.
 *
 * <pre>
 * {"seed": "hex", "epochLength": 100, "governanceKey": "hex (Ed25519)",
 *  "validators": [{"id": "node-1", "votingKey": "hex", "vrfSuite": "P256_SHA256_TAI",
 *                  "vrfKey": "hex", "stake": 100, "address": "127.0.0.1:9090"}, ...]}
 * </pre>
 */
public final class Genesis {
  private static final HexFormat HEX = HexFormat.of();

  private Genesis() {}

  public static ElectionParameters read(Path file) {
    try {
      return parse(new JsonObject(Files.readString(file)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read genesis file " + file + ": " + e);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(
          "genesis file " + file + " is not JSON: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("genesis file " + file + ": " + e.getMessage());
    }
  }

  public static ElectionParameters parse(JsonObject json) {
    byte[] seed = hex(json, "seed");
    if (!(json.getValue("epochLength") instanceof Number epochLength)) {
      throw new IllegalArgumentException("\"epochLength\" must be a number of blocks");
    }
    PublicKey governance = PublicKey.of(hex(json, "governanceKey"));
    if (!(json.getValue("validators") instanceof JsonArray validators)) {
      throw new IllegalArgumentException("\"validators\" must be a list");
    }
    return new ElectionParameters(
        seed, ValidatorSet.of(validators(validators)), epochLength.longValue(), governance);
  }

  /** Validators from their JSON form (the genesis file's list, or a file holding only it). */
  public static List<Validator> validators(JsonArray array) {
    List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new IllegalArgumentException("validator " + i + " is not an object");
      }
      try {
        validators.add(
            new Validator(
                entry.getString("id"),
                PublicKey.of(hex(entry, "votingKey")),
                VrfSuite.fromName(String.valueOf(entry.getValue("vrfSuite"))),
                hex(entry, "vrfKey"),
                entry.getValue("stake") instanceof Number stake ? stake.longValue() : 0,
                entry.getString("address", "")));
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new IllegalArgumentException("validator " + i + ": " + e.getMessage());
      }
    }
    return validators;
  }

  public static JsonObject toJson(ElectionParameters parameters) {
    JsonArray validators = new JsonArray();
    parameters.genesisValidators().members().forEach(v -> validators.add(toJson(v)));
    return new JsonObject()
        .put("seed", HEX.formatHex(parameters.genesisSeed()))
        .put("epochLength", parameters.epochLength())
        .put("governanceKey", parameters.governanceKey().hex())
        .put("validators", validators);
  }

  public static JsonObject toJson(Validator validator) {
    return new JsonObject()
        .put("id", validator.id())
        .put("votingKey", validator.votingKey().hex())
        .put("vrfSuite", validator.vrfSuite().name())
        .put("vrfKey", HEX.formatHex(validator.vrfKey()))
        .put("stake", validator.stake())
        .put("address", validator.address());
  }

  private static byte[] hex(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String text)) {
      throw new IllegalArgumentException("\"" + field + "\" must be a hex string");
    }
    try {
      return HEX.parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not hex");
    }
  }
}
