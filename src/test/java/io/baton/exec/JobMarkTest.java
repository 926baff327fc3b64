package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobMarkTest {
  private static Optional<JobMark> parse(String... variables) {
    return JobMark.parse((String.join("\0", variables) + "\0").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aJobProcessCarriesItsNodeAndJob() {
    assertEquals(Optional.of(new JobMark("sched-1", 4100, "d-1", new JobMark.Key(7, ProcessKind.JOB, 12, 2))),
        parse("PATH=/bin", "BATON_NODE=sched-1", "BATON_RUN_ID=7", "BATON_JOB_ID=12", "BATON_ATTEMPT=2",
            "BATON_NODE_PID=4100", "BATON_STEP=1", "BATON_DEPLOYMENT=d-1"));
    assertEquals(Optional.of(new JobMark("n", 1, null, new JobMark.Key(7, ProcessKind.DEP, 5, 3))),
        parse("BATON_NODE=n", "BATON_NODE_PID=1", "BATON_RUN_ID=7", "BATON_DEP_ID=5", "BATON_ATTEMPT=3"));
  }

  @Test
  void theFirstOfTwoValuesCountsAsForGetenv() {
    assertEquals("a", parse("BATON_NODE=a", "BATON_NODE=b", "BATON_NODE_PID=1", "BATON_RUN_ID=7", "BATON_JOB_ID=1",
        "BATON_ATTEMPT=1").orElseThrow().node());
  }

  @Test
  void anIncompleteOrAlteredMarkIsNone() {
    assertTrue(parse("BATON_RUN_ID=7", "BATON_JOB_ID=12", "BATON_ATTEMPT=1").isEmpty()); // no node
    assertTrue(parse("BATON_NODE=n", "BATON_NODE_PID=x", "BATON_RUN_ID=7", "BATON_JOB_ID=1", "BATON_ATTEMPT=1").isEmpty());
    assertTrue(parse("BATON_NODE=n", "BATON_NODE_PID=1", "BATON_RUN_ID=7", "BATON_JOB_ID=1", "BATON_DEP_ID=1",
        "BATON_ATTEMPT=1").isEmpty()); // a job and a dependency at once
    assertTrue(JobMark.parse(new byte[0]).isEmpty());
  }

  @Test
  void aProcessOfAnotherDatabasesNodesIsNotOfThisDeployment() {
    JobMark.Key key = new JobMark.Key(7, ProcessKind.JOB, 1, 1);
    assertTrue(new JobMark("n", 1, "d-1", key).ofDeployment("d-1"));
    assertFalse(new JobMark("n", 1, "d-2", key).ofDeployment("d-1"));
    assertTrue(new JobMark("n", 1, null, key).ofDeployment("d-1"), "started without an id: it may be ours");
    assertTrue(new JobMark("n", 1, "d-2", key).ofDeployment(null), "a launcher that knows no id takes any");
  }
}
