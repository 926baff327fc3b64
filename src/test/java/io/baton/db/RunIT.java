package io.baton.db;

/** RunContract on a fresh MariaDB database reached through Connector/J (jdbc:mysql://). */
class RunIT extends RunContract {
  RunIT() {
    super(Kind.MARIADB);
  }
}
