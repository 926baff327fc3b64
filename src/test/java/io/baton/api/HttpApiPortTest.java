package io.baton.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.config.BatonSettings.HttpSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node that failed to start after binding its port lets the port go, so it can start again in the same process. */
class HttpApiPortTest {

  @Test
  void aPortBoundButNeverServedIsFreeAgainOnceClosed() {
    HttpApi first = HttpApi.bind(new HttpSettings("127.0.0.1", 0, "", List.of()));
    int port = first.port();
    first.close(); // the start failed after the bind (the database was unreachable, say)

    HttpApi again = HttpApi.bind(new HttpSettings("127.0.0.1", port, "", List.of()));
    try {
      assertEquals(port, again.port());
    } finally {
      again.close();
    }
  }
}
