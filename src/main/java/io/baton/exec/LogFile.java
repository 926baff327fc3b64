package io.baton.exec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The single file that receives a process's stdout and stderr. The process writes to it directly
 * (opened for append, so a truncation here moves its next write to the new end); the size cap is
 * applied from outside by {@link #enforceCap()}, called periodically and once after exit, which
 * keeps the first {@code cap} bytes and marks the cut.
 */
final class LogFile {
  private final Path path;
  private final long cap;
  private long dropped;
  private int markerLength = -1; // bytes of the marker after the cap; -1 while nothing was cut

  LogFile(Path path, long cap) {
    this.path = path;
    this.cap = cap;
  }

  Path path() {
    return path;
  }

  /** The folder of a run's logs, e.g. {@code <logs>/2024-05-01/chain-3}, created if missing. */
  static Path folder(Path logsDir, long chainId, Instant scheduledTime) throws IOException {
    return Files.createDirectories(folderOf(logsDir, chainId, scheduledTime));
  }

  private static Path folderOf(Path logsDir, long chainId, Instant scheduledTime) {
    LocalDate day = LocalDate.ofInstant(scheduledTime, ZoneId.systemDefault());
    return logsDir.toAbsolutePath().resolve(day.toString()).resolve("chain-" + chainId);
  }

  /**
   * The path of a new log file in {@code folder} named after the request, e.g. {@code
   * run-17-job-12-a1.log}; a suffix keeps an earlier file with the same name (a run resumed after
   * a node crash) intact. The file is made by the process's start ({@link Spawner}: its stdout,
   * opened for append), so its presence tells a restarted node that the run had begun here, and a
   * start named ahead of its instant makes no file of its own then (creating it there took a few
   * hundred microseconds of the fire's delay).
   */
  static Path newName(Path folder, ProcessRequest r) {
    String base = "run-" + r.runId()
        + (r.kind() == ProcessKind.JOB ? "-job-" + r.refId() + "-a" : "-dep-" + r.refId() + "-c")
        + r.attempt();
    for (int n = 1; ; n++) {
      Path file = folder.resolve(base + (n == 1 ? "" : "-" + n) + ".log");
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return file;
      }
    }
  }

  /** True when a process of the run was started on this host: a log file of the run exists. */
  static boolean anyOfRun(Path logsDir, long chainId, long runId, Instant scheduledTime) {
    Path folder = folderOf(logsDir, chainId, scheduledTime);
    String prefix = "run-" + runId + "-";
    try (var files = Files.list(folder)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
    } catch (IOException e) {
      return false; // no folder: nothing of the chain ran here that day
    }
  }

  /** Cuts the file back to the cap if the process wrote past it, and updates the cut marker. */
  synchronized void enforceCap() throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long kept = markerLength < 0 ? cap : cap + markerLength;
      if (size <= kept) {
        return;
      }
      dropped += size - kept;
      ch.truncate(cap);
      String lead = cap > 0 && endsWithNewline(ch) ? "" : "\n";
      byte[] marker = (lead + "[baton] output cut at " + cap + " bytes; " + dropped
          + " bytes dropped\n").getBytes(StandardCharsets.US_ASCII);
      ch.write(ByteBuffer.wrap(marker), cap);
      markerLength = marker.length;
    }
  }

  private boolean endsWithNewline(FileChannel ch) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    return ch.read(last, cap - 1) == 1 && last.get(0) == '\n';
  }

  /**
   * The end of the file, at most {@code maxChars} characters, starting at a line start when the
   * text holds more than one line: partial first lines only confuse an operator message.
   */
  String tail(int maxChars) {
    if (maxChars <= 0) {
      return "";
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      long want = Math.min(size, 4L * maxChars + 4); // UTF-8 needs at most 4 bytes a character
      ByteBuffer buf = ByteBuffer.allocate((int) want);
      long from = size - want;
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // keep reading until full or the file shrank
      }
      buf.flip();
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(buf).toString().stripTrailing();
      boolean partial = from > 0;
      if (text.length() > maxChars) {
        text = text.substring(text.length() - maxChars);
        partial = true;
      }
      int newline = text.indexOf('\n');
      return partial && newline >= 0 ? text.substring(newline + 1) : text;
    } catch (IOException e) {
      return "";
    }
  }
}
