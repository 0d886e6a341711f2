package io.swarmcore.ledger;

/**
 * Failure codes of the {@code swarm.storage.<nodeId>.*} addresses, carried as the {@code
 * failureCode} of a {@code ReplyException} (docs/EVENTBUS.md).
 */
public enum StorageFailure {
  /** The request is malformed: missing field, bad hex, size out of range. */
  BAD_REQUEST(400),
  /** No such block or transaction. */
  NOT_FOUND(404),
  /** The block breaks a ledger rule (height, parent, roots, limits, duplicates, certificate). */
  INVALID_BLOCK(409),
  /** A snapshot to install fails a check (chunk, manifest, audit, tip); nothing was installed. */
  INVALID_SNAPSHOT(422),
  /** The store is at its configured maximum size, or the disk is full. */
  STORE_FULL(507),
  /** Any other storage failure. */
  STORE_ERROR(500);

  private final int code;

  StorageFailure(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
