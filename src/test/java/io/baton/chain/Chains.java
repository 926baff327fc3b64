package io.baton.chain;

import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.DependencyDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import java.time.Instant;
import java.util.List;

/** Chain rows for tests: jobtable and deptable rows with the fewest words. */
final class Chains {
  static final long CHAIN_ID = 12;

  private Chains() {}

  /** Job {@code id} at step level {@code level}, ottime one hour. */
  static JobDefinition job(long id, int level) {
    return job(id, level, "1h");
  }

  static JobDefinition job(long id, int level, String ottime) {
    return new JobDefinition(id, null, "job" + id + ".sh", level, ottime, "job " + id);
  }

  /** Dependency check {@code id}, ottime the node default. */
  static DependencyDefinition dep(long id) {
    return new DependencyDefinition(id, null, "dep" + id + ".sh", 0, "dependency " + id);
  }

  /** A chain switched ON, with no dependencies. */
  static ChainDefinition chain(String timestr, JobDefinition... jobs) {
    return chain(timestr, 0, List.of(), jobs);
  }

  /** A chain switched ON whose dependencies must pass within {@code depOtMinutes}. */
  static ChainDefinition chain(String timestr, double depOtMinutes, List<DependencyDefinition> deps,
      JobDefinition... jobs) {
    int levels = (int) List.of(jobs).stream().mapToInt(JobDefinition::stepLevel).distinct().count();
    return new ChainDefinition(CHAIN_ID, "chain under test", levels, timestr, depOtMinutes, true, true, false,
        List.of(jobs), deps);
  }

  /** The same chain with another timestr. */
  static ChainDefinition withTimestr(ChainDefinition chain, String timestr) {
    return new ChainDefinition(chain.id(), chain.description(), chain.totalSteps(), timestr,
        chain.depTimeoutMinutes(), chain.switchOn(), chain.mainFlag(), chain.bkpFlag(), chain.jobs(),
        chain.dependencies());
  }

  /** The same chain switched ON or OFF. */
  static ChainDefinition switched(ChainDefinition chain, boolean on) {
    return new ChainDefinition(chain.id(), chain.description(), chain.totalSteps(), chain.timestr(),
        chain.depTimeoutMinutes(), on, chain.mainFlag(), chain.bkpFlag(), chain.jobs(), chain.dependencies());
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  /** The one element of {@code list}; anything else fails the test, showing the list. */
  static <T> T only(List<T> list) {
    if (list.size() != 1) {
      throw new AssertionError("expected exactly one, got " + list);
    }
    return list.get(0);
  }
}
