package io.baton.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.definition.ChainDefinition;
import io.baton.definition.ChainDefinition.JobDefinition;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chains with the same timestr share one parsed schedule; a bad timestr holds every chain that has it. */
class ChainValidatorTest {
  private final ChainValidator validator = new ChainValidator(ZoneOffset.UTC);

  private static ChainDefinition chain(long id, String timestr) {
    return new ChainDefinition(id, "chain " + id, 1, timestr, 5, true, true, false,
        List.of(new JobDefinition(id * 10, "/bin/sh", "ok.sh", 1, "60", "job")), List.of());
  }

  @Test
  void chainsWithTheSameTimestrShareOneScheduleUntilNoChainHasItAnyMore() {
    ChainValidator.Verdict first = validator.check(chain(1, "@every 10s"));
    ChainValidator.Verdict second = validator.check(chain(2, "@every 10s"));
    ChainValidator.Verdict other = validator.check(chain(3, "0 3 * * *"));
    assertTrue(first.valid() && second.valid() && other.valid());
    assertSame(first.schedule(), second.schedule());
    assertNotSame(first.schedule(), other.schedule());

    validator.keepSchedulesOf(List.of(chain(3, "0 3 * * *")));
    assertSame(other.schedule(), validator.check(chain(4, "0 3 * * *")).schedule());
    ChainValidator.Verdict again = validator.check(chain(1, "@every 10s"));
    assertNotSame(first.schedule(), again.schedule(), "forgotten once no chain had it, parsed anew");
    assertEquals(first.schedule().nextFireAfter(Instant.EPOCH), again.schedule().nextFireAfter(Instant.EPOCH));
  }

  @Test
  void aBadTimestrHoldsEveryChainThatHasItWithTheSameMessage() {
    ChainValidator.Verdict first = validator.check(chain(1, "@every 1ms"));
    ChainValidator.Verdict second = validator.check(chain(2, "@every 1ms"));
    assertFalse(first.valid());
    assertEquals(first.problems(), second.problems());
    assertTrue(first.problems().get(0).contains("fires more often than every 10 ms"), first.problems().toString());
    assertFalse(validator.check(chain(3, "61 * * * *")).valid());
  }
}
