package io.swarmcore.storage;

/** The store cannot do what was asked; the message says why and, where it can, what to do. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** The map reached its configured maximum size. */
    FULL,
    /** The file system has no room (or the file hit a size limit). */
    DISK_FULL,
    /** The files are not a store this build can read. */
    UNSUPPORTED_FORMAT,
    /** A snapshot or chunk failed its checks. */
    SNAPSHOT_INVALID,
    /** Any other I/O or LMDB failure. */
    IO
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
