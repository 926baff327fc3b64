package io.baton.db;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** StatusContract on an embedded H2 file database, as a node without a configured url uses. */
class StatusH2Test extends StatusContract {
  @TempDir Path dir;

  @Override
  protected Database openFresh() {
    return Database.open(TestDatabases.h2Url(dir), Database.EMBEDDED_USER, "", dir);
  }

  @Override
  protected void dispose(Database db) {
    db.close();
  }
}
