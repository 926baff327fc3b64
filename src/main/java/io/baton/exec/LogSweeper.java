package io.baton.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the logs folder bounded like the run tables: the log files of runs that ended before the
 * cut-off (or whose rows are gone) are deleted with their rows, then the folders they leave empty.
 * Only Baton's own files are touched: {@code <day>/chain-<id>/run-<run id>-….log}, written before
 * the cut-off. Anything else in the folder (an operator's notes, another tool's files) is left
 * alone, and so is a file a process of this node still writes to.
 */
public final class LogSweeper {
  private static final Logger log = LoggerFactory.getLogger(LogSweeper.class);
  private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern CHAIN = Pattern.compile("chain-\\d+");
  private static final Pattern FILE = Pattern.compile("run-(\\d+)-(?:job|dep)-\\d+-[ac]\\d+(?:-\\d+)?\\.log");
  private static final int LOOKUP_BATCH = 500;

  private LogSweeper() {}

  /**
   * Deletes the old log files under {@code logsDir}; {@code runsToKeep} answers, for a set of run
   * ids, those whose runs are still open or ended after the cut-off. Returns the number deleted.
   */
  public static int sweep(Path logsDir, Instant cutoff, Set<Path> inUse, Function<Set<Long>, Set<Long>> runsToKeep)
      throws IOException {
    if (!Files.isDirectory(logsDir)) {
      return 0;
    }
    Path root = logsDir.toRealPath();
    Map<Long, List<Path>> candidates = new HashMap<>();
    for (Path day : children(root, DAY)) {
      for (Path chain : children(day, CHAIN)) {
        try (Stream<Path> files = Files.list(chain)) {
          for (Path file : (Iterable<Path>) files::iterator) {
            Matcher m = FILE.matcher(file.getFileName().toString());
            if (m.matches() && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff) && !inUse.contains(file)) {
              candidates.computeIfAbsent(Long.parseLong(m.group(1)), id -> new ArrayList<>()).add(file);
            }
          }
        }
      }
    }
    int deleted = 0;
    List<Long> runs = new ArrayList<>(candidates.keySet());
    for (int i = 0; i < runs.size(); i += LOOKUP_BATCH) {
      Set<Long> batch = Set.copyOf(runs.subList(i, Math.min(runs.size(), i + LOOKUP_BATCH)));
      Set<Long> keep = runsToKeep.apply(batch);
      for (Long run : batch) {
        if (!keep.contains(run)) {
          for (Path file : candidates.get(run)) {
            deleted += Files.deleteIfExists(file) ? 1 : 0;
          }
        }
      }
    }
    removeEmptyFolders(root, cutoff);
    if (deleted > 0) {
      log.info("deleted {} log files of runs that ended before {}", deleted, cutoff);
    }
    return deleted;
  }

  private static List<Path> children(Path folder, Pattern name) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(p -> name.matcher(p.getFileName().toString()).matches()
          && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
    }
  }

  /** Folders of days before the cut-off's: new processes write into the folder of their run's day. */
  private static void removeEmptyFolders(Path root, Instant cutoff) throws IOException {
    String cutoffDay = java.time.LocalDate.ofInstant(cutoff, java.time.ZoneId.systemDefault()).toString();
    for (Path day : children(root, DAY)) {
      if (day.getFileName().toString().compareTo(cutoffDay) >= 0) {
        continue;
      }
      for (Path chain : children(day, CHAIN)) {
        deleteIfEmpty(chain);
      }
      deleteIfEmpty(day);
    }
  }

  private static void deleteIfEmpty(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      if (entries.findAny().isEmpty()) {
        Files.deleteIfExists(folder);
      }
    } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
      // a process of a new run wrote into it meanwhile, or another node swept it first
    }
  }
}
