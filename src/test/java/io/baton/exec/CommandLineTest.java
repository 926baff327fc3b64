package io.baton.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void splitsOnWhitespace() {
    assertEquals(List.of("load.sh", "a", "b"), CommandLine.split("  load.sh \t a\n b  "));
  }

  @Test
  void emptyOrNullGivesNoWords() {
    assertEquals(List.of(), CommandLine.split(null));
    assertEquals(List.of(), CommandLine.split("   "));
  }

  @Test
  void singleQuotesKeepEverythingLiteral() {
    assertEquals(List.of("a b", "\\n \"x\" $HOME"), CommandLine.split("'a b' '\\n \"x\" $HOME'"));
  }

  @Test
  void doubleQuotesEscapeOnlyShellSpecials() {
    assertEquals(List.of("say \"hi\" \\ $ ` \\n"), CommandLine.split("\"say \\\"hi\\\" \\\\ \\$ \\` \\n\""));
  }

  @Test
  void backslashEscapesOutsideQuotes() {
    assertEquals(List.of("a b", "'", "\""), CommandLine.split("a\\ b \\' \\\""));
  }

  @Test
  void adjacentPartsFormOneWord() {
    assertEquals(List.of("ab cd", "x"), CommandLine.split("a'b c'\"d\" x"));
  }

  @Test
  void emptyQuotesAreAnEmptyWord() {
    assertEquals(List.of("run.sh", "", "z"), CommandLine.split("run.sh '' z"));
    assertEquals(List.of(""), CommandLine.split("\"\""));
  }

  @Test
  void nothingIsExpanded() {
    assertEquals(List.of("$HOME", "*", "~", "$(id)", ";", "|"), CommandLine.split("$HOME * ~ $(id) ; |"));
  }

  @Test
  void backslashNewlineJoinsLines() {
    assertEquals(List.of("ab"), CommandLine.split("a\\\nb"));
  }

  @Test
  void unbalancedQuotesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> CommandLine.split("run.sh 'open"));
    assertThrows(IllegalArgumentException.class, () -> CommandLine.split("run.sh \"open"));
    assertThrows(IllegalArgumentException.class, () -> CommandLine.split("run.sh \"a\\\""));
    assertThrows(IllegalArgumentException.class, () -> CommandLine.split("run.sh \\"));
  }
}
