package io.swarmcore.election.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.ValidatorChange;
import io.swarmcore.codecs.proto.ValidatorEntry;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validator changes: transactions whose {@code client_id} is {@value #CLIENT_ID} and whose payload
 * is a {@code VALIDATOR_CHANGE} envelope signed by the governance key. A change that does not
 * verify or does not fit the set it would change is refused: it has no effect, and the epoch
 * reports it.
 */
public final class ValidatorChanges {
  public static final String CLIENT_ID = "swarm.validators";
  public static final String SIGNER = "governance";

  private ValidatorChanges() {}

  /** A change found in a block, or why a governance transaction was refused. */
  public record Found(ValidatorChange change, String refusal) {}

  /** The governance transaction in {@code transaction}, if it is one. */
  public static Optional<Found> find(ByteString transaction, PublicKey governanceKey) {
    Transaction parsed;
    try {
      parsed = Transaction.parseFrom(transaction);
    } catch (InvalidProtocolBufferException notATransaction) {
      return Optional.empty();
    }
    if (!CLIENT_ID.equals(parsed.getClientId())) {
      return Optional.empty();
    }
    try {
      SignedEnvelope envelope = SignedEnvelope.parseFrom(parsed.getPayload());
      if (envelope.getType() != MessageType.MESSAGE_TYPE_VALIDATOR_CHANGE
          || !SIGNER.equals(envelope.getSigner())) {
        return Optional.of(new Found(null, "not a VALIDATOR_CHANGE envelope from " + SIGNER));
      }
      SignedEnvelopes.verify(envelope, governanceKey);
      return Optional.of(new Found(ValidatorChange.parseFrom(envelope.getPayload()), null));
    } catch (InvalidProtocolBufferException e) {
      return Optional.of(new Found(null, "undecodable validator change: " + e.getMessage()));
    } catch (RejectedMessageException e) {
      return Optional.of(new Found(null, e.getMessage()));
    }
  }

  /**
   * Applies {@code change} to {@code validators}.
   *
   * @return null when applied, else why it was refused ({@code validators} unchanged)
   */
  public static String apply(List<Validator> validators, ValidatorChange change) {
    switch (change.getChangeCase()) {
      case JOIN -> {
        Validator joining;
        try {
          joining = fromEntry(change.getJoin());
        } catch (IllegalArgumentException e) {
          return "join refused: " + e.getMessage();
        }
        List<Validator> next = new ArrayList<>(validators);
        next.add(joining);
        try {
          ValidatorSet.of(next);
        } catch (IllegalArgumentException e) {
          return "join of " + joining.id() + " refused: " + e.getMessage();
        }
        validators.add(joining);
        return null;
      }
      case LEAVE -> {
        int index = indexOf(validators, change.getLeave());
        if (index < 0) {
          return "leave of unknown validator " + change.getLeave() + " refused";
        }
        if (validators.size() == 1) {
          return "leave of " + change.getLeave() + " refused: it is the last validator";
        }
        validators.remove(index);
        return null;
      }
      case STAKE -> {
        int index = indexOf(validators, change.getStake().getId());
        if (index < 0) {
          return "stake change of unknown validator " + change.getStake().getId() + " refused";
        }
        long stake = change.getStake().getStake();
        if (stake <= 0 || stake > Long.MAX_VALUE / 2) {
          return "stake change of " + change.getStake().getId() + " to " + stake + " refused";
        }
        List<Validator> next = new ArrayList<>(validators);
        next.set(index, validators.get(index).withStake(stake));
        try {
          ValidatorSet.of(next);
        } catch (IllegalArgumentException e) {
          return "stake change refused: " + e.getMessage();
        }
        validators.set(index, next.get(index));
        return null;
      }
      default -> {
        return "empty validator change refused";
      }
    }
  }

  /** A validator from its wire form. */
  public static Validator fromEntry(ValidatorEntry entry) {
    if (entry.getStake() > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("stake " + entry.getStake() + " is too large");
    }
    return new Validator(
        entry.getId(),
        PublicKey.of(entry.getVotingKey().toByteArray()),
        VrfSuite.fromName(entry.getVrfSuite()),
        entry.getVrfKey().toByteArray(),
        entry.getStake(),
        entry.getAddress());
  }

  private static int indexOf(List<Validator> validators, String id) {
    for (int i = 0; i < validators.size(); i++) {
      if (validators.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }
}
