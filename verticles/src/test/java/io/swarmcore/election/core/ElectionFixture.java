package io.swarmcore.election.core;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.ValidatorChange;
import io.swarmcore.codecs.proto.ValidatorEntry;
import io.swarmcore.crypto.Sha256;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Validators with real keys, and block headers that end epochs with real seed proofs. */
public final class ElectionFixture {
  public static final long EPOCH_LENGTH = 5;
  public final SigningKey governance = SigningKey.fromSeed(Sha256.hash(bytes("governance")));
  public final Map<String, byte[]> vrfSecrets = new HashMap<>();
  public final List<Validator> validators = new ArrayList<>();
  public final ElectionParameters parameters;

  public ElectionFixture(int count, VrfSuite suite) {
    for (int i = 0; i < count; i++) {
      validators.add(newValidator("node-" + i, 10 + i, suite));
    }
    parameters =
        new ElectionParameters(
            bytes("genesis seed"),
            ValidatorSet.of(validators),
            EPOCH_LENGTH,
            governance.publicKey());
  }

  public Validator newValidator(String id, long stake, VrfSuite suite) {
    byte[] vrfSecret = Sha256.hash(bytes("vrf " + id));
    vrfSecrets.put(id, vrfSecret);
    return new Validator(
        id,
        SigningKey.fromSeed(Sha256.hash(bytes("vote " + id))).publicKey(),
        suite,
        suite.vrf().publicKey(vrfSecret),
        stake,
        "127.0.0.1:9090");
  }

  /** The header of block {@code height} proposed by {@code proposer}, with a seed proof if due. */
  public BlockHeader header(long height, String proposer, EpochState epoch) {
    BlockHeader.Builder header = BlockHeader.newBuilder().setHeight(height).setProposer(proposer);
    if (parameters.endsEpoch(height)) {
      Validator validator = epoch.validators().byId(proposer).orElseThrow();
      header.setVrfSeedProof(
          ByteString.copyFrom(
              EpochSeeds.prove(
                  vrfSecrets.get(proposer), validator, epoch.seed(), epoch.epoch() + 1)));
    }
    return header.build();
  }

  /** A governance transaction carrying {@code change}, signed by {@code key}. */
  public static ByteString changeTransaction(ValidatorChange change, SigningKey key) {
    return Transaction.newBuilder()
        .setClientId(ValidatorChanges.CLIENT_ID)
        .setPayload(
            SignedEnvelopes.seal(
                    MessageType.MESSAGE_TYPE_VALIDATOR_CHANGE,
                    change.toByteArray(),
                    ValidatorChanges.SIGNER,
                    key)
                .toByteString())
        .build()
        .toByteString();
  }

  public static ValidatorChange join(Validator validator) {
    return ValidatorChange.newBuilder()
        .setJoin(
            ValidatorEntry.newBuilder()
                .setId(validator.id())
                .setVotingKey(ByteString.copyFrom(validator.votingKey().bytes()))
                .setVrfSuite(validator.vrfSuite().name())
                .setVrfKey(ByteString.copyFrom(validator.vrfKey()))
                .setStake(validator.stake())
                .setAddress(validator.address()))
        .build();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
