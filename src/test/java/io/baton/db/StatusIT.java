package io.baton.db;

/** StatusContract on a fresh MariaDB database reached through Connector/J (jdbc:mysql://). */
class StatusIT extends StatusContract {
  StatusIT() {
    super(Kind.MARIADB);
  }
}
