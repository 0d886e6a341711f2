package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's Merkle frontier after any block the node has seen, final or only proposed, so that a
 * proposer can fill in, and a replica check, the ledger root of blocks that extend blocks not yet
 * final (pipelining). Computed from the final tip by appending header hashes along the chain of
 * parents; forgotten below the final tip.
 */
public final class LedgerRoots {
  private final Map<ByteString, NodeBlock> seen = new HashMap<>();
  private final Map<ByteString, MerkleFrontier> after = new HashMap<>();
  private final long window;
  private ByteString finalHash;
  private long finalHeight;
  private MerkleFrontier finalFrontier;

  /**
   * Starts from the final tip: its header hash (32 zero bytes for an empty ledger) and height (-1
   * for an empty ledger). Only blocks within {@code window} heights above it are kept.
   */
  public LedgerRoots(
      ByteString finalHash, long finalHeight, MerkleFrontier finalFrontier, long window) {
    this.finalHash = finalHash;
    this.finalHeight = finalHeight;
    this.finalFrontier = finalFrontier.copy();
    this.window = window;
  }

  /**
   * Remembers a block above the final tip (within the window; at most a few windows' worth, so that
   * blocks carried by hostile messages cannot grow this without bound).
   */
  public void saw(NodeBlock block) {
    if (block.height() <= finalHeight
        || block.height() > finalHeight + window
        || seen.size() >= 4 * window) {
      return;
    }
    seen.putIfAbsent(block.hash(), block);
  }

  /**
   * Hashes of the transactions in the blocks from {@code hash} down to the final tip (exclusive):
   * what a block extending {@code hash} must not carry again.
   */
  public java.util.Set<ByteString> transactionsDownFrom(ByteString hash) {
    java.util.Set<ByteString> transactions = new java.util.HashSet<>();
    ByteString current = hash;
    for (long steps = 0; steps <= window && !current.equals(finalHash); steps++) {
      NodeBlock block = seen.get(current);
      if (block == null) {
        break;
      }
      transactions.addAll(block.transactionHashes());
      current = block.parentHash();
    }
    return transactions;
  }

  /** A block above the final tip this node saw, by its hash. */
  public Optional<NodeBlock> block(ByteString hash) {
    return Optional.ofNullable(seen.get(hash));
  }

  /** The block at the tip is final and stored. */
  public void finalized(NodeBlock block) {
    MerkleFrontier next = frontierAfter(block.hash()).orElseGet(() -> extend(finalFrontier, block));
    finalHash = block.hash();
    finalHeight = block.height();
    finalFrontier = next;
    seen.values().removeIf(b -> b.height() <= block.height());
    after.clear();
  }

  /**
   * The frontier after the block with {@code hash}, if its chain down to the final tip is known.
   */
  public Optional<MerkleFrontier> frontierAfter(ByteString hash) {
    if (hash.equals(finalHash)) {
      return Optional.of(finalFrontier);
    }
    MerkleFrontier known = after.get(hash);
    if (known != null) {
      return Optional.of(known);
    }
    NodeBlock block = seen.get(hash);
    if (block == null) {
      return Optional.empty();
    }
    // Iterative over the chain of parents not yet final, at most a window long.
    java.util.ArrayDeque<NodeBlock> chain = new java.util.ArrayDeque<>();
    MerkleFrontier base = null;
    NodeBlock current = block;
    while (base == null) {
      if (chain.size() > window) {
        return Optional.empty();
      }
      chain.push(current);
      ByteString parent = current.parentHash();
      if (parent.equals(finalHash)) {
        base = finalFrontier;
      } else if (after.containsKey(parent)) {
        base = after.get(parent);
      } else {
        current = seen.get(parent);
        if (current == null) {
          return Optional.empty();
        }
      }
    }
    MerkleFrontier frontier = base;
    while (!chain.isEmpty()) {
      NodeBlock next = chain.pop();
      frontier = extend(frontier, next);
      after.put(next.hash(), frontier);
    }
    return Optional.of(frontier);
  }

  /** The ledger root a block extending {@code parentHash} must carry, if known. */
  public Optional<ByteString> rootAfter(ByteString parentHash) {
    return frontierAfter(parentHash).map(f -> ByteString.copyFrom(f.root()));
  }

  private static MerkleFrontier extend(MerkleFrontier frontier, NodeBlock block) {
    MerkleFrontier next = frontier.copy();
    next.append(MerkleHash.leaf(block.hash().toByteArray()));
    return next;
  }
}
