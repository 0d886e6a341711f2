package io.swarmcore.election.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validators of one epoch, in canonical order (by id), with their cumulative stakes for the
 * O(log n) leader lookup. Immutable. Quorums count validators (n, f); stake only weights the leader
 * choice.
 */
public final class ValidatorSet {
  private final List<Validator> members;
  private final Map<String, Validator> byId;

  /** cumulative[i] = stake of members 0..i, so member i owns [cumulative[i-1], cumulative[i]). */
  private final long[] cumulative;

  private ValidatorSet(List<Validator> members) {
    this.members = List.copyOf(members);
    this.byId = new HashMap<>();
    this.cumulative = new long[members.size()];
    long total = 0;
    for (int i = 0; i < members.size(); i++) {
      Validator validator = members.get(i);
      byId.put(validator.id(), validator);
      try {
        total = Math.addExact(total, validator.stake());
      } catch (ArithmeticException overflow) {
        throw new IllegalArgumentException("total stake exceeds " + Long.MAX_VALUE);
      }
      cumulative[i] = total;
    }
  }

  /**
   * The set of {@code validators} in canonical order.
   *
   * @throws IllegalArgumentException when empty, or when an id or a voting key repeats
   */
  public static ValidatorSet of(List<Validator> validators) {
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("a validator set needs at least one validator");
    }
    Set<String> ids = new HashSet<>();
    Set<Object> keys = new HashSet<>();
    for (Validator validator : validators) {
      if (!ids.add(validator.id())) {
        throw new IllegalArgumentException("validator id " + validator.id() + " appears twice");
      }
      if (!keys.add(validator.votingKey())) {
        throw new IllegalArgumentException(
            "validator " + validator.id() + " reuses another validator's voting key");
      }
    }
    List<Validator> sorted = new ArrayList<>(validators);
    sorted.sort(Comparator.comparing(Validator::id));
    return new ValidatorSet(sorted);
  }

  /**
   * Whether {@code other} has the same voters: the same ids with the same voting keys. Stakes may
   * differ; consensus's quorums and signatures depend on the voters only.
   */
  public boolean sameVoters(ValidatorSet other) {
    if (other.members.size() != members.size()) {
      return false;
    }
    for (int i = 0; i < members.size(); i++) {
      Validator mine = members.get(i);
      Validator theirs = other.members.get(i);
      if (!mine.id().equals(theirs.id()) || !mine.votingKey().equals(theirs.votingKey())) {
        return false;
      }
    }
    return true;
  }

  public List<Validator> members() {
    return members;
  }

  public int size() {
    return members.size();
  }

  /** The most Byzantine validators this set tolerates: f = floor((n - 1) / 3). */
  public int maxFaults() {
    return (members.size() - 1) / 3;
  }

  public long totalStake() {
    return cumulative[cumulative.length - 1];
  }

  public Optional<Validator> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The validator whose cumulative-stake interval holds {@code point}: binary search, O(log n). */
  public Validator ownerOf(long point) {
    if (point < 0 || point >= totalStake()) {
      throw new IllegalArgumentException(
          "stake point " + point + " is outside [0, " + totalStake() + ")");
    }
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (cumulative[middle] > point) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return members.get(low);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ValidatorSet set && members.equals(set.members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  @Override
  public String toString() {
    return "ValidatorSet" + members;
  }
}
