package io.baton.db;

/** AwakeChainsContract on an embedded H2 file database. */
class AwakeChainsH2Test extends AwakeChainsContract {
  AwakeChainsH2Test() {
    super(Kind.H2);
  }
}
