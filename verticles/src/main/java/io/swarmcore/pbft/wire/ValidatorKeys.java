package io.swarmcore.pbft.wire;

import io.swarmcore.crypto.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The validators as the consensus core numbers them: index i is the i-th id in the validator set's
 * order, with its voting key. Every node must build it from the same set.
 */
public final class ValidatorKeys {
  /** One validator: its id and the key that signs its votes. */
  public record Entry(String id, PublicKey key) {}

  private final List<Entry> entries;
  private final Map<String, Integer> indexById = new HashMap<>();

  public ValidatorKeys(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    for (int i = 0; i < this.entries.size(); i++) {
      if (indexById.put(this.entries.get(i).id(), i) != null) {
        throw new IllegalArgumentException("validator " + this.entries.get(i).id() + " twice");
      }
    }
  }

  public int size() {
    return entries.size();
  }

  public OptionalInt indexOf(String id) {
    Integer index = indexById.get(id);
    return index == null ? OptionalInt.empty() : OptionalInt.of(index);
  }

  public String idOf(int index) {
    return entries.get(index).id();
  }

  public PublicKey keyOf(int index) {
    return entries.get(index).key();
  }
}
