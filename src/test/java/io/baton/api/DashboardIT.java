package io.baton.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.node.NodeFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a real node on MariaDB: an
 * operator runs a switched-off chain by hand, watches its run succeed and reads its job's log.
 */
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @RegisterExtension static final NodeFixture node = NodeFixture.onMariaDb();
  @TempDir static Path profile;
  static WebDriver driver;
  static String base;
  static long chain;
  static long job;
  static long slowChain;
  static long slowJob;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the dashboard test needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    node.script("jobs", "hello.sh", "echo \"dashboard-hello-$BATON_RUN_ID\"");
    // switched off: only the dashboard's "Run now" starts it
    chain = node.chainOff("dashboard demo", 1, "@every 1h");
    job = node.job(chain, "hello.sh", 1, "30");
    node.script("jobs", "slow.sh", "echo \"stream-start-$BATON_RUN_ID\"\nsleep 8\necho \"stream-end-$BATON_RUN_ID\"");
    slowChain = node.chainOff("dashboard slow", 1, "@every 1h");
    slowJob = node.job(slowChain, "slow.sh", 1, "60");
    node.start();
    base = node.api();

    // no Selenium Manager (it would download a driver): the Debian driver and browser, offline
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void runAChainByHandAndReadItsLog() throws Exception {
    withEvidence("dashboard-failure", this::operatorRunsTheChainAndReadsTheLog);
  }

  @Test
  void aRunningJobsLogIsFollowedUntilItEnds() throws Exception {
    withEvidence("dashboard-follow-failure", this::operatorFollowsARunningJob);
  }

  private void operatorFollowsARunningJob() throws Exception {
    driver.get(base + "/");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    click(wait, By.cssSelector("tr.chain[data-chain-id=\"" + slowChain + "\"] button.trigger"));
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(d -> text(d, By.id("flash")).contains("Run chain " + slowChain));

    // the run page while the run runs: Cancel offered, the job's bar RUNNING
    click(wait, By.cssSelector("#chain-runs tr.run[data-status=\"RUNNING\"]"));
    wait.until(ExpectedConditions.urlContains("#/runs/"));
    wait.until(d -> text(d, By.id("run-status")).equals("RUNNING"));
    assertTrue(driver.findElement(By.id("cancel")).isDisplayed(), "Cancel is offered while the run runs");
    String runId = text(driver, By.id("run-id"));
    click(wait, By.cssSelector("#timeline .job[data-job-id=\"" + slowJob + "\"][data-status=\"RUNNING\"]"));

    // its log as it is written, then the end of the stream
    By log = By.cssSelector("pre#log");
    wait.until(d -> text(d, log).contains("stream-start-" + runId));
    wait.until(d -> text(d, By.id("log-title")).endsWith("following"));
    assertFalse(text(driver, log).contains("stream-end-"), "the job is still sleeping: " + text(driver, log));
    new WebDriverWait(driver, Duration.ofSeconds(40)).until(d -> text(d, log).contains("stream-end-" + runId));
    wait.until(d -> text(d, By.id("log-title")).endsWith("SUCCESS"));
    wait.until(d -> text(d, By.id("run-status")).equals("SUCCESS"));
    assertFalse(driver.findElement(By.id("cancel")).isDisplayed(), "no Cancel once the run ended");
    assertEquals(2, text(driver, log).lines().count(), text(driver, log));
  }

  private void operatorRunsTheChainAndReadsTheLog() throws Exception {
    driver.get(base + "/");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

    // the chains table lists the chain, switched off
    By row = By.cssSelector("tr.chain[data-chain-id=\"" + chain + "\"]");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    wait.until(d -> text(d, row).contains("dashboard demo"));
    wait.until(d -> text(d, By.cssSelector("tr.chain[data-chain-id=\"" + chain + "\"] td.state .badge")).equals("off"));
    assertTrue(text(driver, row).contains("@every 1h"), text(driver, row));
    // the node itself, leading
    wait.until(d -> text(d, By.cssSelector("#nodes tr.node.leader")).contains("it-node"));

    // "Run now", confirmed
    click(wait, By.cssSelector("tr.chain[data-chain-id=\"" + chain + "\"] button.trigger"));
    Alert confirm = wait.until(ExpectedConditions.alertIsPresent());
    assertTrue(confirm.getText().contains("Run chain " + chain), confirm.getText());
    confirm.accept();
    wait.until(d -> !text(d, By.id("flash")).isBlank());
    String outcome = text(driver, By.id("flash"));
    assertEquals("ok", driver.findElement(By.id("flash")).getDomAttribute("class"), outcome);

    // the chain's runs: a MANUAL run that ends SUCCESS (the run id in the page is the database's, digit for digit)
    By chainRun = By.cssSelector("#chain-runs tr.run");
    new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> d.findElements(chainRun).stream()
        .anyMatch(r -> "SUCCESS".equals(statusOf(r))));
    List<Map<String, Object>> runs = node.rows("SELECT run_id, status, trigger_type FROM chain_run WHERE chain_id = ?", chain);
    assertEquals(1, runs.size(), "one run: the manual one");
    String runId = String.valueOf(runs.get(0).get("run_id"));
    assertEquals("MANUAL", runs.get(0).get("trigger_type"));
    assertTrue(outcome.contains(runId) || !outcome.contains("(run "), "the flash names the run: " + outcome);
    By ourRun = By.cssSelector("#chain-runs tr.run[data-run-id=\"" + runId + "\"]");
    assertEquals("SUCCESS", wait.until(d -> d.findElement(ourRun).findElement(By.cssSelector("td.status")).getText()));
    assertTrue(text(driver, ourRun).contains("MANUAL"), text(driver, ourRun));
    // also in the recent runs of every chain
    wait.until(d -> text(d, By.cssSelector("#runs tr.run[data-run-id=\"" + runId + "\"] td.status")).equals("SUCCESS"));
    evidence("dashboard-chains");

    // the run page: header, one bar for the job with its attempt and exit code
    click(wait, ourRun);
    wait.until(ExpectedConditions.urlContains("#/runs/" + runId));
    wait.until(d -> text(d, By.id("run-id")).equals(runId));
    assertEquals("SUCCESS", wait.until(d -> text(d, By.id("run-status"))));
    By bar = By.cssSelector("#timeline .job[data-job-id=\"" + job + "\"]");
    wait.until(ExpectedConditions.visibilityOfElementLocated(bar));
    String label = text(driver, bar);
    assertTrue(label.contains("job " + job) && label.contains("#1") && label.contains("exit 0") && label.contains("SUCCESS"), label);
    assertFalse(driver.findElement(By.id("cancel")).isDisplayed(), "no Cancel for an ended run");
    assertFalse(driver.findElement(By.id("rerun")).isDisplayed(), "no rerun of a run that succeeded");

    // its log
    click(wait, bar);
    String expected = "dashboard-hello-" + runId;
    wait.until(d -> text(d, By.cssSelector("pre#log")).contains(expected));
    assertTrue(text(driver, By.id("log-title")).contains("Job " + job), text(driver, By.id("log-title")));

    Path shot = evidence("dashboard");
    String readmeShot = System.getProperty("baton.readme-screenshot"); // -Dbaton.readme-screenshot=docs/dashboard.png
    if (readmeShot != null) {
      Path target = Path.of(System.getProperty("basedir", ".")).resolve(readmeShot);
      Files.createDirectories(target.getParent());
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }

    List<String> errors = browserErrors();
    assertTrue(errors.isEmpty(), "the browser reported errors: " + errors);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  interface Steps {
    void run() throws Exception;
  }

  /** On failure, a screenshot and the page under target/. */
  private static void withEvidence(String name, Steps steps) throws Exception {
    try {
      steps.run();
    } catch (Exception | AssertionError e) {
      evidence(name);
      throw e;
    }
  }

  /** The element's text; empty while it is missing or being drawn again. */
  private static String text(WebDriver d, By by) {
    try {
      List<WebElement> found = d.findElements(by);
      return found.isEmpty() ? "" : found.get(0).getText();
    } catch (StaleElementReferenceException e) {
      return "";
    }
  }

  private static String statusOf(WebElement run) {
    try {
      return run.findElement(By.cssSelector("td.status")).getText();
    } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
      return "";
    }
  }

  /** Clicks the element, finding it again if the page redrew it in between. */
  private static void click(WebDriverWait wait, By by) {
    wait.until((Function<WebDriver, Boolean>) d -> {
      try {
        WebElement e = d.findElement(by);
        if (!e.isDisplayed()) {
          return false;
        }
        e.click();
        return true;
      } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
        return false;
      }
    });
  }

  /** A screenshot, and the page source, under target/. */
  private static Path evidence(String name) throws Exception {
    Path target = Path.of(System.getProperty("basedir", ".")).resolve("target");
    Files.createDirectories(target);
    File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path shot = target.resolve(name + ".png");
    Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    Object html = ((JavascriptExecutor) driver).executeScript("return document.documentElement.outerHTML");
    Files.writeString(target.resolve(name + ".html"), String.valueOf(html));
    return shot;
  }

  private static List<String> browserErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(LogEntry::toString)
        .collect(Collectors.toList());
  }
}
