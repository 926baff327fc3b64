package io.baton.exec;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Which flags an interpreter named in a row's {@code env} may carry, by the interpreter's kind.
 *
 * <p>Only flags that take no value are allowed: a flag that reads a value ({@code python3 -X},
 * {@code -W}, {@code bash -o}, {@code --rcfile}) takes the next word, which is the checked script,
 * so the word after it (a row-written argument) becomes the program. Flags that run code of their
 * own ({@code -c}, {@code -m}, {@code -i}, {@code -s}, {@code -}) are refused for the same reason.
 * What is allowed is listed letter by letter, so a flag an interpreter adds in a later version is
 * refused until someone looks at it.
 */
enum InterpreterFlags {
  /** python, python3, python3.11, ...: unbuffered, no .pyc, isolation and optimisation switches. */
  PYTHON("uBEsSIOq", "-u -B -E -s -S -I -O -OO -q", true),
  /** sh, dash, bash: stop on errors and on unset variables, trace commands. */
  SHELL("eux", "-e -u -x", true),
  /** Any other interpreter an administrator allowed: its options are unknown, so none. */
  OTHER("", "none", false);

  private static final Pattern PYTHON_NAME = Pattern.compile("python(\\d+(\\.\\d+)*)?");
  private static final Pattern SHELL_NAME = Pattern.compile("sh|dash|bash");

  private final String letters;
  private final String allowed;
  private final boolean endsOptions;

  InterpreterFlags(String letters, String allowed, boolean endsOptions) {
    this.letters = letters;
    this.allowed = allowed;
    this.endsOptions = endsOptions;
  }

  /** The kind of the interpreter at {@code path}, from its file name. */
  static InterpreterFlags of(String path) {
    Path name = Path.of(path).getFileName();
    String file = name == null ? "" : name.toString();
    if (PYTHON_NAME.matcher(file).matches()) {
      return PYTHON;
    }
    return SHELL_NAME.matcher(file).matches() ? SHELL : OTHER;
  }

  /**
   * Whether {@code flag} is one dash and then only allowed letters ({@code -u}, {@code -eux},
   * {@code -OO}). A second dash ({@code --login}, {@code --}), a plus ({@code +O}) or one letter
   * outside the list ({@code -uX}: X would read the next word) refuses the whole word.
   */
  boolean allows(String flag) {
    return flag.length() > 1 && flag.charAt(0) == '-'
        && flag.chars().skip(1).allMatch(ch -> letters.indexOf(ch) >= 0);
  }

  /** The allowed flags as an operator would write them, for refusal messages. */
  String allowed() {
    return allowed;
  }

  /**
   * Whether the interpreter takes {@code --} as the end of its own options, so that the script and
   * everything after it are never read as interpreter options.
   */
  boolean endsOptions() {
    return endsOptions;
  }
}
