package io.baton.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the configuration, strongest first: -D system properties, the BATON_* environment
 * variables, the operator's file (--config, else ./application.conf), the defaults shipped in the
 * jar (the project's application.conf).
 */
public final class ConfigLoader {
  private static final Map<String, String> ENVIRONMENT_KEYS = Map.of(
      "BATON_DB_URL", "baton.db.main.url",
      "BATON_DB_USER", "baton.db.main.user",
      "BATON_DB_PASSWORD", "baton.db.main.password",
      "BATON_BKP_DB_URL", "baton.db.bkp.url",
      "BATON_HOME", "baton.home",
      "BATON_NODE_NAME", "baton.node-name",
      "BATON_HTTP_TOKEN", "baton.http.token");

  private ConfigLoader() {}

  public static Config load(Path explicitFile, Map<String, String> environment) {
    try {
      Config file = ConfigFactory.empty();
      if (explicitFile != null) {
        if (!Files.isReadable(explicitFile)) {
          throw new ConfigurationException("configuration file " + explicitFile.toAbsolutePath() + " cannot be read");
        }
        file = ConfigFactory.parseFile(explicitFile.toFile());
      } else if (Files.isReadable(Path.of("application.conf"))) {
        file = ConfigFactory.parseFile(Path.of("application.conf").toFile());
      }
      return ConfigFactory.systemProperties()
          .withFallback(fromEnvironment(environment))
          .withFallback(file)
          .withFallback(ConfigFactory.parseResources(ConfigLoader.class, "/io/baton/application.conf"))
          .resolve();
    } catch (ConfigException e) {
      throw new ConfigurationException("configuration: " + e.getMessage(), e);
    }
  }

  private static Config fromEnvironment(Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    ENVIRONMENT_KEYS.forEach((variable, key) -> {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        values.put(key, value);
      }
    });
    return ConfigFactory.parseMap(values, "environment");
  }
}
