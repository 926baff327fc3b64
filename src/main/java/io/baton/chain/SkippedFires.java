package io.baton.chain;

import java.time.Instant;
import java.util.List;

/** The fires skipped while a run was active (overlap), as its message names them. */
public record SkippedFires(int count, Instant first, Instant last) {

  /** Null when none was skipped. */
  static SkippedFires of(List<Instant> fires) {
    return fires.isEmpty() ? null : new SkippedFires(fires.size(), fires.get(0), fires.get(fires.size() - 1));
  }
}
