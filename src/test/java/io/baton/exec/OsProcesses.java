package io.baton.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Looking for processes as an operator would with ps, for tests that must see none left behind. */
public final class OsProcesses {
  private OsProcesses() {}

  /** Processes running now whose command line is exactly {@code argv} (a zombie's is empty). */
  public static List<Long> running(String... argv) {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = Files.readString(dir.resolve("cmdline"), StandardCharsets.ISO_8859_1);
          if (List.of(cmdline.split("\0")).equals(List.of(argv))) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /**
   * Whether {@code pid} runs, as ps shows it: a process that ended but was not reaped (a zombie,
   * e.g. one whose node was killed and that was handed to a test JVM) does not.
   */
  public static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  /** An argument no other process has: a sleep of about three years or more, distinct per call. */
  public static String uniqueSleep() {
    return Long.toString(100_000_000L + Math.floorMod(System.nanoTime(), 900_000_000L));
  }

  /** SIGKILL to whatever still runs {@code argv}: tests never leave their sleepers behind. */
  public static void kill(String... argv) {
    running(argv).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}
