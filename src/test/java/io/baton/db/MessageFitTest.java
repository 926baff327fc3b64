package io.baton.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MessageFitTest {
  @Test
  void shortMessagesAreUnchanged() {
    String msg = "x".repeat(5000);
    assertSame(msg, MessageRepository.fit(msg));
  }

  @Test
  void longMessagesKeepHeadMarkerAndTail() {
    String msg = "HEAD" + "m".repeat(10_000) + "TAIL";
    String fit = MessageRepository.fit(msg);
    assertEquals(5000, fit.length());
    assertTrue(fit.startsWith("HEAD"));
    assertTrue(fit.endsWith("TAIL"));
    assertTrue(fit.contains(MessageRepository.MARKER));
    assertEquals(MessageRepository.HEAD, fit.indexOf(MessageRepository.MARKER));
  }

  @Test
  void surrogatePairsAreNeverSplit() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    for (int shift = 0; shift < 2; shift++) {
      String msg = "a".repeat(shift) + emoji.repeat(6000);
      String fit = MessageRepository.fit(msg);
      assertTrue(fit.length() <= 5000);
      assertEquals(fit.codePoints().count(), fit.codePoints().filter(cp -> cp != 0xFFFD).count());
      for (int i = 0; i < fit.length(); i++) {
        char ch = fit.charAt(i);
        if (Character.isHighSurrogate(ch)) {
          assertTrue(Character.isLowSurrogate(fit.charAt(i + 1)), "split at " + i);
        } else if (Character.isLowSurrogate(ch)) {
          assertTrue(i > 0 && Character.isHighSurrogate(fit.charAt(i - 1)), "split at " + i);
        }
      }
    }
  }
}
