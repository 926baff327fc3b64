package io.baton.db;

/** StatusContract on a fresh MariaDB database reached through Connector/J (jdbc:mysql://). */
class StatusIT extends StatusContract {
  private String url;

  @Override
  protected Database openFresh() {
    url = TestDatabases.createMariaDb();
    return Database.open(url, TestDatabases.USER, TestDatabases.PASSWORD, null);
  }

  @Override
  protected void dispose(Database db) {
    db.close();
    TestDatabases.drop(url);
  }
}
