package io.baton.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command into words the way a POSIX shell would, without a shell: quotes and backslashes
 * group and escape, but nothing is expanded ({@code $HOME}, {@code *} and {@code ~} stay literal).
 * Commands come from database rows, so running them through {@code sh -c} would let whoever writes
 * the row run anything; splitting here keeps the script path a path.
 */
public final class CommandLine {
  private CommandLine() {}

  /** Characters a backslash escapes inside double quotes (POSIX); before others it stays literal. */
  private static final String DOUBLE_QUOTE_ESCAPABLE = "\"\\$`";

  /**
   * @return the words, empty for null or blank text
   * @throws IllegalArgumentException on an unclosed quote or a trailing backslash
   */
  public static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    if (text == null) {
      return words;
    }
    StringBuilder word = new StringBuilder();
    boolean inWord = false; // distinguishes an empty quoted word ('') from no word at all
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        if (end < 0) {
          throw unbalanced(text, "single quote", i);
        }
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i = doubleQuoted(text, i, word);
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new IllegalArgumentException("command ends with a lone backslash: " + text);
        }
        char next = text.charAt(i + 1);
        if (next != '\n') { // backslash-newline joins lines, as in a shell
          word.append(next);
          inWord = true;
        }
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** Appends the content of the double-quoted part starting at {@code open}; returns the next index. */
  private static int doubleQuoted(String text, int open, StringBuilder word) {
    int i = open + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (DOUBLE_QUOTE_ESCAPABLE.indexOf(next) >= 0) {
          word.append(next);
          i += 2;
          continue;
        }
        if (next == '\n') {
          i += 2;
          continue;
        }
      }
      word.append(c);
      i++;
    }
    throw unbalanced(text, "double quote", open);
  }

  private static IllegalArgumentException unbalanced(String text, String what, int at) {
    return new IllegalArgumentException(
        "unclosed " + what + " at position " + at + " in command: " + text);
  }
}
