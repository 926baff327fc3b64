package io.baton.exec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Set;

/**
 * Keeps the logs folder bounded like the run tables: log files last written before the cut-off
 * are deleted (the rows of their runs are pruned at the same age), then the folders left empty.
 * A file a running process still writes to is kept, however quiet the process has been.
 */
public final class LogSweeper {
  private LogSweeper() {}

  /** Deletes the old files under {@code logsDir}; the number deleted. */
  public static int sweep(Path logsDir, Instant cutoff, Set<Path> inUse) throws IOException {
    if (!Files.isDirectory(logsDir)) {
      return 0;
    }
    Path root = logsDir.toRealPath();
    int[] deleted = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(cutoff)
            && !inUse.contains(file) && Files.deleteIfExists(file)) {
          deleted[0]++;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException error) throws IOException {
        if (!dir.equals(root)) {
          try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
              Files.deleteIfExists(dir);
            }
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException error) {
        return FileVisitResult.CONTINUE; // removed meanwhile, or not ours to read
      }
    });
    return deleted[0];
  }
}
