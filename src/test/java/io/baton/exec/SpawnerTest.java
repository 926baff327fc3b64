package io.baton.exec;

import static io.baton.exec.ExecFixture.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both ways of starting a process give the job the same surroundings. */
class SpawnerTest {
  @TempDir Path tmp;
  private Spawner spawner;

  private Spawner spawner(String kind) throws IOException {
    spawner = kind.equals("posix") ? PosixSpawner.start() : WrapperSpawner.start();
    return spawner;
  }

  @AfterEach
  void close() {
    if (spawner != null) {
      spawner.close();
    }
  }

  private String run(String kind, String body, int expectedExit) throws Exception {
    Path job = script(tmp.resolve("job.sh"), "#!/bin/sh\n" + body);
    Path log = tmp.resolve("job.log");
    Spawner.Child child = spawner(kind).spawn(List.of(job.toString(), "one arg"), tmp,
        Map.of("PATH", "/usr/bin:/bin", "ONLY", "this"), log);
    assertEquals(expectedExit, child.onExit().get(10, TimeUnit.SECONDS));
    child.release();
    return Files.readString(log);
  }

  @ParameterizedTest
  @ValueSource(strings = {"posix", "wrapper"})
  void jobGetsItsArgumentsEnvironmentFolderAndLog(String kind) throws Exception {
    String out = run(kind, "echo \"[$1] $ONLY $(pwd)\"; echo oops >&2; env | grep -c =; exit 3\n", 3);
    assertEquals("[one arg] this " + tmp.toRealPath() + "\noops\n3\n", out); // PATH, ONLY and sh's PWD
  }

  @ParameterizedTest
  @ValueSource(strings = {"posix", "wrapper"})
  void jobLeadsItsOwnSessionAndHoldsNoDescriptorOfTheNode(String kind) throws Exception {
    String out = run(kind, "ps -o sid= -o pgid= -p $$ | awk '{print ($1 == '$$' && $2 == '$$')}'\n"
        + "for fd in /proc/$$/fd/*; do readlink \"$fd\"; done | grep -c -E 'socket:|\\.jar$'\n", 1);
    assertEquals("1\n0\n", out);
  }

  @Test // (the JDK's own launch leaves SIGQUIT blocked in the job)
  void jobStartsWithNoSignalBlockedOrIgnored() throws Exception {
    String out = run("posix", "grep -E '^Sig(Blk|Ign)' /proc/$$/status | sed 's/\t.\\{9\\}/ /'\n", 0);
    assertEquals("SigBlk: 0000000\nSigIgn: 0000000\n", out); // signals 1-28: glibc keeps 32 and 33
  }

  @ParameterizedTest
  @ValueSource(strings = {"posix", "wrapper"})
  void signalEndsTheJobWith128PlusItsNumber(String kind) throws Exception {
    Path job = script(tmp.resolve("wait.sh"), "#!/bin/sh\nexec sleep 1000\n");
    Spawner.Child child = spawner(kind).spawn(List.of(job.toString()), tmp, Map.of(), tmp.resolve("w.log"));
    child.signal(false);
    assertEquals(143, child.onExit().get(10, TimeUnit.SECONDS));
    assertTrue(!child.isAlive());
  }

  @Test // (through the wrappers the same program starts, then exits with 126)
  void aProgramThatCannotRunIsAnError() throws Exception {
    Path notAScript = Files.writeString(tmp.resolve("data.sh"), "no shebang, not executable");
    IOException e = assertThrows(IOException.class,
        () -> spawner("posix").spawn(List.of(notAScript.toString()), tmp, Map.of(), tmp.resolve("x.log")));
    assertTrue(e.getMessage().contains("ermission denied"), e.getMessage());
  }
}
