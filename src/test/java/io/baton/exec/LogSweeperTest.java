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
  private static final Instant CUTOFF = Instant.now().minus(Duration.ofDays(30));

  @TempDir Path logs;

  private Path file(String relative, Duration age) throws Exception {
    Path file = logs.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "output\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return file;
  }

  @Test
  void logsOfRunsThatEndedLongAgoGoWithTheirEmptyFolders() throws Exception {
    Path old = file("2026-01-01/chain-1/run-11-job-1-a1.log", Duration.ofDays(40));
    Path oldCheck = file("2026-01-01/chain-1/run-11-dep-3-c2-2.log", Duration.ofDays(40));
    Path recent = file("2026-11-28/chain-1/run-13-job-1-a1.log", Duration.ofDays(1));

    assertEquals(2, LogSweeper.sweep(logs, CUTOFF, Set.of(), runs -> Set.of()));

    assertFalse(Files.exists(old) || Files.exists(oldCheck));
    assertFalse(Files.exists(logs.resolve("2026-01-01")), "emptied folders are removed");
    assertTrue(Files.exists(recent));
    assertTrue(Files.isDirectory(logs), "the logs folder itself stays");
  }

  @Test
  void aRunStillOpenOrAFileInUseKeepsItsLogHoweverQuiet() throws Exception {
    Path ofOpenRun = file("2026-01-01/chain-2/run-21-job-5-a1.log", Duration.ofDays(40));
    Path inUse = file("2026-01-01/chain-2/run-22-job-6-a1.log", Duration.ofDays(40));

    assertEquals(0, LogSweeper.sweep(logs, CUTOFF, Set.of(inUse.toRealPath()), runs -> Set.of(21L)));

    assertTrue(Files.exists(ofOpenRun) && Files.exists(inUse));
  }

  @Test
  void nothingButBatonsOwnLogFilesIsTouched() throws Exception {
    Path notes = file("NOTES.txt", Duration.ofDays(400));
    Path script = file("jobs/ok.sh", Duration.ofDays(400));
    Path stray = file("2026-01-01/chain-3/readme.log", Duration.ofDays(400));
    Path other = file("2026-01-01/other/run-1-job-1-a1.log", Duration.ofDays(400));

    assertEquals(0, LogSweeper.sweep(logs, CUTOFF, Set.of(), runs -> Set.of()));

    for (Path kept : new Path[] {notes, script, stray, other}) {
      assertTrue(Files.exists(kept), kept + " is not a log file of Baton's");
    }
  }

  @Test
  void aFolderOfARecentDayIsKeptEvenEmpty() throws Exception {
    // a process of a new run creates its folder, then its file: the folder must not vanish between the two
    Path today = logs.resolve(java.time.LocalDate.now().toString()).resolve("chain-9");
    Files.createDirectories(today);

    LogSweeper.sweep(logs, CUTOFF, Set.of(), runs -> Set.of());

    assertTrue(Files.isDirectory(today));
  }

  @Test
  void aMissingLogsFolderIsNothingToSweep() throws Exception {
    assertEquals(0, LogSweeper.sweep(logs.resolve("absent"), Instant.now(), Set.of(), runs -> Set.of()));
  }
}
