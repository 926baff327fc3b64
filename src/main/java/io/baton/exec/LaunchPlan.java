package io.baton.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checked form of a {@link ProcessRequest}: what to execute, where, with which extra variables.
 * Commands and interpreters come from database rows, while the programs that may run are what an
 * administrator placed in the script folders; every check here keeps a row writer from reaching
 * anything else.
 */
record LaunchPlan(List<String> argv, Path workDir, Map<String, String> environment) {

  static LaunchPlan of(ProcessRequest request, Path scriptDir, List<String> interpreters)
      throws LaunchRefusedException {
    String label = request.label();
    List<String> words = split(label, "command", request.command());
    if (words.isEmpty()) {
      throw new LaunchRefusedException(label + ": command is empty; nothing was run");
    }
    Path script = resolveScript(label, words.get(0), scriptDir);

    List<String> argv = new ArrayList<>();
    List<String> envWords = split(label, "env", request.env());
    if (envWords.isEmpty()) {
      if (!Files.isExecutable(script)) {
        throw new LaunchRefusedException(label + ": script '" + words.get(0) + "' (" + script
            + ") is not executable and no interpreter (env) is set; nothing was run");
      }
    } else {
      InterpreterFlags flags = checkInterpreter(label, request.env(), envWords, interpreters);
      argv.addAll(envWords);
      if (flags.endsOptions()) {
        argv.add("--"); // the script and its arguments are never read as interpreter options
      }
    }
    // The real path is what was checked, so it is what runs (a later symlink swap changes nothing).
    argv.add(script.toString());
    argv.addAll(words.subList(1, words.size()));
    return new LaunchPlan(List.copyOf(argv), script.getParent(), variables(request));
  }

  private static List<String> split(String label, String what, String text)
      throws LaunchRefusedException {
    try {
      return CommandLine.split(text);
    } catch (IllegalArgumentException e) {
      throw new LaunchRefusedException(label + ": " + what + " cannot be read: " + e.getMessage()
          + "; nothing was run");
    }
  }

  private static Path resolveScript(String label, String word, Path scriptDir)
      throws LaunchRefusedException {
    Path base;
    try {
      base = scriptDir.toRealPath();
    } catch (IOException e) {
      throw new LaunchRefusedException(
          label + ": script folder " + scriptDir + " is missing (" + e + "); nothing was run");
    }
    Path real;
    try {
      real = base.resolve(word).toRealPath();
    } catch (NoSuchFileException e) {
      throw new LaunchRefusedException(
          label + ": script '" + word + "' not found in " + base + "; nothing was run");
    } catch (IOException | RuntimeException e) {
      throw new LaunchRefusedException(
          label + ": script '" + word + "' cannot be resolved (" + e + "); nothing was run");
    }
    if (!real.startsWith(base) || real.equals(base)) {
      throw new LaunchRefusedException(label + ": script '" + word + "' resolves outside " + base
          + " (to " + real + "); nothing was run");
    }
    if (!Files.isRegularFile(real)) {
      throw new LaunchRefusedException(
          label + ": script '" + word + "' is not a regular file (" + real + "); nothing was run");
    }
    return real;
  }

  /** Refuses an interpreter outside the allowlist, or a flag its kind does not allow. */
  private static InterpreterFlags checkInterpreter(
      String label, String env, List<String> words, List<String> allowed)
      throws LaunchRefusedException {
    String interpreter = words.get(0);
    if (!allowed.contains(interpreter)) {
      throw new LaunchRefusedException(label + ": interpreter '" + interpreter
          + "' is not allowed (allowed: " + String.join(", ", allowed) + "); nothing was run");
    }
    InterpreterFlags flags = InterpreterFlags.of(interpreter);
    for (String flag : words.subList(1, words.size())) {
      if (!flags.allows(flag)) {
        throw new LaunchRefusedException(label + ": env '" + env + "' has flag '" + flag
            + "', which " + interpreter + " does not allow (allowed: " + flags.allowed() + ")"
            + "; nothing was run");
      }
    }
    if (!Files.isExecutable(Path.of(interpreter))) {
      throw new LaunchRefusedException(
          label + ": interpreter '" + interpreter + "' is not installed here; nothing was run");
    }
    return flags;
  }

  /** Variables added to the node's environment; the script learns what it is running for. */
  private static Map<String, String> variables(ProcessRequest r) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BATON_CHAIN_ID", Long.toString(r.chainId()));
    env.put("BATON_RUN_ID", Long.toString(r.runId()));
    if (r.kind() == ProcessKind.JOB) {
      env.put("BATON_JOB_ID", Long.toString(r.refId()));
      if (r.stepLevel() != null) {
        env.put("BATON_STEP", r.stepLevel().toString());
      }
    } else {
      env.put("BATON_DEP_ID", Long.toString(r.refId()));
    }
    env.put("BATON_ATTEMPT", Integer.toString(r.attempt()));
    env.put("BATON_SCHEDULED_TIME", r.scheduledTime().toString());
    return Map.copyOf(env);
  }
}
