package io.baton.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Baton reads from a JDBC url and how it shows one: an url can carry credentials (user:password@,
 * password=..., address=(...)(password=...)), and none of them may reach a log line or an error.
 */
final class JdbcUrl {
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(?:password|pwd)\\s*=\\s*([^)(,&;]+)");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(?://|,)[^/,@():]*:([^/,@()]*)@");

  private JdbcUrl() {}

  /** The url as shown in messages: no query string or H2 flags, no credentials. */
  static String display(String url) {
    if (url == null) {
      return "<none>";
    }
    String u = url.trim();
    int cut = u.length();
    for (char c : new char[] {'?', ';'}) {
      int i = u.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return u.substring(0, cut)
        .replaceAll("(//|,)[^/,@()]*@", "$1") // user:password@ before every host of a multi-host url
        .replaceAll("(?i)((?:password|pwd)\\s*=\\s*)[^)(,&;]*", "$1****"); // address=(...)(password=...)
  }

  /**
   * {@code text} with every password Baton knows of for {@code url} (the configured one, those
   * written in the url) replaced by ****: a driver's message may quote a piece of the url.
   */
  static String masked(String text, String url, String password) {
    if (text == null) {
      return null;
    }
    List<String> secrets = new ArrayList<>();
    if (password != null) {
      secrets.add(password);
    }
    Matcher m = PASSWORD_PARAMETER.matcher(url);
    while (m.find()) {
      secrets.add(m.group(1));
      secrets.add(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
    }
    Matcher userInfo = USER_INFO_PASSWORD.matcher(url);
    while (userInfo.find()) {
      secrets.add(userInfo.group(1));
    }
    String out = text;
    for (String secret : secrets) {
      if (secret.length() >= 3) { // an empty or one-letter password would mask half the message
        out = out.replace(secret, "****");
      }
    }
    return out;
  }

  /** A {@code name=value} parameter of the url's query string (MySQL) or ;-list (H2), decoded. */
  static Optional<String> parameter(String url, String name) {
    int start = url.indexOf('?') >= 0 ? url.indexOf('?') : url.indexOf(';');
    if (start < 0) {
      return Optional.empty();
    }
    for (String pair : url.substring(start + 1).split("[&;]")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
        return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  static boolean isConnectorJ(String url) {
    return url.trim().toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:");
  }

  /** Connector/J sends a batch as one multi-row statement only with this flag (journal writes). */
  static String withBatchRewrite(String url) {
    if (url.toLowerCase(Locale.ROOT).contains("rewritebatchedstatements=")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "rewriteBatchedStatements=true";
  }
}
