package io.baton.exec;

/** What a process is for: it decides the script folder, the log name and the environment. */
public enum ProcessKind {
  /** A job script of a chain step, resolved under the jobs folder. */
  JOB,
  /** A dependency-check script, resolved under the dependent folder. */
  DEP
}
