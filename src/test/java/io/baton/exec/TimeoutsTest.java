package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutsTest {
  private static final Duration DEFAULT = Duration.ofHours(12);

  @ParameterizedTest
  @CsvSource({
    "300, PT5M", "90s, PT1M30S", "15m, PT15M", "2h, PT2H", "1h30m, PT1H30M", "1H30M, PT1H30M",
    "1h0m5s, PT1H5S", "PT15M, PT15M", "pt2h, PT2H", "' 45 ', PT45S"
  })
  void readsAcceptedForms(String ottime, String expected) {
    assertEquals(Duration.parse(expected), Timeouts.parse(ottime, DEFAULT));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"0", "", "  ", "0s", "PT0S"})
  void zeroOrNothingMeansTheNodeDefault(String ottime) {
    assertEquals(DEFAULT, Timeouts.parse(ottime, DEFAULT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "15x", "1.5h", "-5", "h", "1m30h", "PT-5M", "-PT5M", "5 m",
      "99999999999999999999", "9999999999999999h"})
  void rejectsAnythingElse(String ottime) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Timeouts.parse(ottime, DEFAULT));
    assertTrue(e.getMessage().contains(ottime), e.getMessage());
  }
}
