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

  /** An argument no other process has: a sleep of about three years or more, distinct per call. */
  public static String uniqueSleep() {
    return Long.toString(100_000_000L + Math.floorMod(System.nanoTime(), 900_000_000L));
  }

  /** SIGKILL to whatever still runs {@code argv}: tests never leave their sleepers behind. */
  public static void kill(String... argv) {
    running(argv).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}
