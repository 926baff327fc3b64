package io.baton.db;

/** StatusContract on an embedded H2 file database, as a node without a configured url uses. */
class StatusH2Test extends StatusContract {
  StatusH2Test() {
    super(Kind.H2);
  }
}
