package io.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged node, started as an operator would: a bad start is one clear line and exit 2. */
class StartupErrorsIT {
  @TempDir Path home;

  @Test
  void anUnreachableDatabaseIsOneLineNamingIt() throws Exception {
    Result r = start(Map.of("BATON_DB_URL", "jdbc:mysql://127.0.0.1:1/schedulerDB"));
    assertEquals(2, r.exit);
    assertEquals(1, r.lines.size(), r.lines.toString());
    assertTrue(r.lines.get(0).startsWith("baton: cannot start: database jdbc:mysql://127.0.0.1:1/schedulerDB"), r.lines.get(0));
    assertTrue(r.lines.get(0).contains("unreachable"), r.lines.get(0));
  }

  @Test
  void aBadSettingIsOneLineNamingTheKey() throws Exception {
    Result r = start(Map.of(), "-Dbaton.site=moon");
    assertEquals(2, r.exit);
    assertEquals(List.of("baton: cannot start: configuration: baton.site is 'moon'; expected one of main, bkp"), r.lines);
  }

  @Test
  void anUnwritableLogsFolderIsOneLine() throws Exception {
    Files.writeString(home.resolve("logs"), "a file where the folder should be");
    Result r = start(Map.of());
    assertEquals(2, r.exit);
    assertEquals(1, r.lines.size(), r.lines.toString());
    assertTrue(r.lines.get(0).contains("baton.logs-dir"), r.lines.get(0));
  }

  @Test
  void aTakenClusterPortIsOneLineNamingTheKeyAndNothingIsClaimed() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Result r = start(Map.of(), "-Dbaton.http.port=0", "-Dbaton.cluster.port=" + taken.getLocalPort());
      assertEquals(2, r.exit);
      assertEquals(1, r.lines.size(), r.lines.toString());
      assertTrue(r.lines.get(0).startsWith("baton: cannot start: baton.cluster.port " + taken.getLocalPort()
          + " on 127.0.0.1 cannot be bound"), r.lines.get(0));
      assertTrue(r.lines.get(0).endsWith("set baton.cluster.port"), r.lines.get(0));
    }
    assertTrue(!Files.exists(home.resolve("data")), "no database was made: the node claimed nothing");
  }

  @Test
  void aMissingConfigFileIsOneLine() throws Exception {
    Result r = start(Map.of(), "--config", home.resolve("nope.conf").toString());
    assertEquals(2, r.exit);
    assertTrue(r.lines.get(0).contains("nope.conf") && r.lines.get(0).contains("cannot be read"), r.lines.toString());
  }

  private record Result(int exit, List<String> lines) {}

  private Result start(Map<String, String> env, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    List<String> args = new ArrayList<>();
    for (String e : extra) {
      (e.startsWith("-D") ? command : args).add(e);
    }
    command.addAll(List.of("-jar", Path.of("target", "baton.jar").toAbsolutePath().toString(), "start"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
    pb.environment().put("BATON_HOME", home.toString());
    pb.environment().remove("BATON_DB_URL");
    pb.environment().putAll(env);
    File err = home.resolve("stderr.txt").toFile();
    pb.redirectError(err).redirectOutput(home.resolve("stdout.txt").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the node gave up at once");
    return new Result(p.exitValue(), Files.readAllLines(err.toPath()).stream().filter(l -> !l.isBlank()).toList());
  }
}
