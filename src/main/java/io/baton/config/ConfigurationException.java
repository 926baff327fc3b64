package io.baton.config;

/** A configuration value that cannot be used; the message names the key and the cause. */
public final class ConfigurationException extends RuntimeException {
  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
