package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSweeperTest {
  @TempDir Path logs;

  private Path log(String relative, Duration age) throws Exception {
    Path file = logs.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "output\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return file;
  }

  @Test
  void filesOlderThanTheCutOffGoWithTheirEmptyFoldersButNotALogStillWrittenTo() throws Exception {
    Path old = log("2026-01-01/chain-1/run-1-job-1-a1.log", Duration.ofDays(40));
    Path quietButRunning = log("2026-01-01/chain-2/run-2-job-5-a1.log", Duration.ofDays(40));
    Path recent = log("2026-11-28/chain-1/run-3-job-1-a1.log", Duration.ofDays(1));

    int deleted = LogSweeper.sweep(logs, Instant.now().minus(Duration.ofDays(30)), Set.of(quietButRunning.toRealPath()));

    assertEquals(1, deleted);
    assertFalse(Files.exists(old));
    assertFalse(Files.exists(old.getParent()), "an emptied folder is removed");
    assertTrue(Files.exists(quietButRunning));
    assertTrue(Files.exists(recent));
    assertTrue(Files.isDirectory(logs), "the logs folder itself stays");
  }

  @Test
  void aMissingLogsFolderIsNothingToSweep() throws Exception {
    assertEquals(0, LogSweeper.sweep(logs.resolve("absent"), Instant.now(), Set.of()));
  }
}
