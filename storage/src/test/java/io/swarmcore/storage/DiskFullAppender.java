package io.swarmcore.storage;

import java.nio.file.Path;

/**
 * The child process of {@link DiskFullTest}: runs under a file-size limit (ulimit -f), appends
 * until the store refuses, then shows that the store still reads, and reports both.
 */
public final class DiskFullAppender {
  private DiskFullAppender() {}

  public static void main(String[] args) {
    TestChain chain = new TestChain();
    try (BlockStore store = BlockStore.open(StoreOptions.at(Path.of(args[0])))) {
      while (true) {
        try {
          store.append(chain.next(4, 4096));
        } catch (StoreException e) {
          System.out.println("refused " + e.kind() + " " + e.getMessage().replace('\n', ' '));
          long size = store.tip().size();
          boolean readable = size > 0 && store.block(size - 1).isPresent();
          System.out.println("readable " + size + " " + readable);
          return;
        }
      }
    }
  }
}
