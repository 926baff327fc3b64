package io.baton.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The classes a node loads as it starts, archived once per build of target/baton.jar (the JVM's
 * class data sharing, {@code -XX:ArchiveClassesAtExit}), so that the many node JVMs of the
 * integration tests start in about half the time. Made by starting a node on an embedded database
 * and stopping it; shared by the test JVMs through a file lock. A node JVM starts without it if it
 * cannot be made: more slowly, no differently.
 */
final class ClassArchive {
  private static final Path DIR = Path.of("target", "node-class-archive").toAbsolutePath();
  private static Path made; // guarded by ClassArchive.class
  private static boolean tried;

  private ClassArchive() {}

  /** The options a node JVM starts with to use the archive; none if there is none. */
  static synchronized List<String> options(List<String> jvm, Path jar) {
    if (!tried) {
      tried = true;
      made = make(jvm, jar);
    }
    // -Xlog: a JVM that cannot map the archive says nothing (tests read what nodes print)
    return made == null ? List.of() : List.of("-XX:SharedArchiveFile=" + made, "-Xlog:cds=off,cds+dynamic=off");
  }

  private static Path make(List<String> jvm, Path jar) {
    try {
      Files.createDirectories(DIR);
      // an archive is of one jar and one JVM
      Path archive = DIR.resolve("baton-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis() + "-"
          + Runtime.version() + ".jsa");
      try (FileChannel channel = FileChannel.open(DIR.resolve("lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
        if (!Files.exists(archive)) {
          try (var old = Files.list(DIR)) { // those of earlier builds
            for (Path p : old.filter(p -> p.toString().endsWith(".jsa")).toList()) {
              Files.deleteIfExists(p);
            }
          }
          dump(jvm, jar, archive);
        }
      }
      return Files.exists(archive) ? archive : null;
    } catch (IOException | RuntimeException e) {
      System.err.println("node JVMs start without a class archive: " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Starts a node on an embedded database in a home of its own, and stops it once started: its JVM writes the archive. */
  private static void dump(List<String> jvm, Path jar, Path archive) throws IOException, InterruptedException {
    Path home = Files.createTempDirectory("baton-class-archive");
    Path partial = DIR.resolve(archive.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    List<String> command = new ArrayList<>(jvm);
    // (a short grace: its shards, still coming up as it stops, are not waited for)
    command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-Dbaton.node-name=class-archive",
        "-Dbaton.home=" + home, "-Dbaton.http.port=0", "-Dbaton.cluster.port=0", "-Dbaton.shutdown-grace=1s",
        "-jar", jar.toString(), "start"));
    Path log = home.resolve("node.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // its own embedded database, whatever the environment names (BATON_DB_URL, BATON_HOME, ...)
    builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
    Process node = builder.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (node.isAlive() && !Files.readString(log).contains("started (site") && System.nanoTime() < deadline) {
        node.waitFor(100, TimeUnit.MILLISECONDS); // the log is looked at every 100 ms: a wait with a deadline
      }
      node.destroy(); // SIGTERM: the JVM ends normally, and writes the archive as it does
      if (node.waitFor(120, TimeUnit.SECONDS) && node.exitValue() == 0 && Files.exists(partial)) {
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
      } else {
        System.err.println("node JVMs start without a class archive: the node that was to write it said\n"
            + Files.readString(log));
      }
    } finally {
      node.destroyForcibly();
      Files.deleteIfExists(partial);
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
