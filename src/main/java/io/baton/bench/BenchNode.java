package io.baton.bench;

import com.typesafe.config.ConfigFactory;
import io.baton.config.BatonSettings;
import io.baton.config.ConfigLoader;
import io.baton.node.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/** A real node (the code path of {@code baton start}) in this JVM, with a home of its own. */
final class BenchNode implements AutoCloseable {
  static final String NAME = "bench";
  final Path home;
  private final Node node;

  private BenchNode(Path home, Node node) {
    this.home = home;
    this.node = node;
  }

  static Path prepareHome() throws IOException {
    Path home = Files.createTempDirectory("baton-bench");
    script(home.resolve("jobs/ok.sh"), "exit 0");
    // passes at its second check of a run
    script(home.resolve("dependent/second.sh"), "m=\".second-$BATON_RUN_ID\"\n"
        + "if [ -e \"$m\" ]; then rm -f \"$m\"; exit 0; fi\n: > \"$m\"\nexit 1");
    return home;
  }

  static BenchNode start(Path home, BenchDatabase db, Map<String, Object> extra) {
    return start(NAME, home, db, extra);
  }

  /** Node {@code name}: several of them in this JVM form one cluster, each on ports of its own. */
  static BenchNode start(String name, Path home, BenchDatabase db, Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(extra);
    settings.put("baton.home", home.toString());
    settings.put("baton.node-name", name);
    settings.putIfAbsent("baton.http.port", 0);
    settings.putIfAbsent("baton.cluster.port", 0);
    settings.put("baton.db.main.url", db.url());
    settings.put("baton.db.main.user", db.user);
    settings.put("baton.db.main.password", db.password);
    BatonSettings s = BatonSettings.from(ConfigFactory.parseMap(settings)
        .withFallback(ConfigLoader.load(null, Map.of())));
    return new BenchNode(home, Node.start(s));
  }

  private static void script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Override
  public void close() throws Exception {
    node.stop();
  }
}
