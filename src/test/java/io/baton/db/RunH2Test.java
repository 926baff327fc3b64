package io.baton.db;

/** RunContract on an embedded H2 file database, as a node without a configured url uses. */
class RunH2Test extends RunContract {
  RunH2Test() {
    super(Kind.H2);
  }
}
