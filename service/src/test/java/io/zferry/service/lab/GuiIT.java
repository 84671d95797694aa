package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.gui.PasswordHashes;
import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.service.status.StatusViews.ServiceStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator GUI in a real headless Chromium, against real zferryd on both lab nodes: login,
 * health, a switchover watched to its end, snapshots, history, settings validation, and an
 * automatic failover's lock shown in red and cleared from the GUI. Screenshots of every page go to
 * {@code target/gui-screenshots/}.
 */
@ExtendWith(LabExtension.class)
class GuiIT {
  private static final String USER = "admin";
  private static final String PASSWORD = "gui-test-password";
  private static final Duration LONG = Duration.ofSeconds(90);
  private static final Path SHOTS = Path.of("target", "gui-screenshots");

  private Lab lab;
  private LabCluster cluster;
  private final List<Process> forwards = new ArrayList<>();
  private WebDriver browser;

  @BeforeEach
  void lab(Lab lab) throws IOException {
    this.lab = lab;
    Files.createDirectories(SHOTS);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      // What the browser showed last: the page a failed step was waiting on.
      try {
        shot("zz-last");
      } catch (IOException | RuntimeException e) {
        System.err.println("no last screenshot: " + e);
      }
      browser.quit();
    }
    forwards.forEach(Process::destroy);
    if (cluster != null) {
      cluster.saveEvidence("gui");
      cluster.close();
    }
  }

  @Test
  void anOperatorRunsTheClusterFromTheBrowser() throws Exception {
    String hash = new PasswordHashes().hash(PASSWORD.toCharArray());
    cluster =
        new LabCluster(
                lab,
                "gui",
                List.of("snapshotInterval: 5s", "pullInterval: 2s", "retentionCount: 10"),
                List.of("heartbeatInterval: 500ms", "heartbeatTimeout: 3s"),
                List.of("fencing: " + FaultScenario.fenceWithLabPowerSwitch()))
            .withApiYaml(
                List.of(
                    "users:",
                    "  - name: " + USER,
                    "    passwordHash: \"" + hash + "\"",
                    "    role: operator"));
    cluster.startFresh();
    String nodeA = forward("node-a");
    browser = chromium(spki(cluster.certificate("node-a")), spki(cluster.certificate("node-b")));

    // Login: every page sends a stranger to the login page; a wrong password is refused.
    browser.get(nodeA + "/");
    waitFor(By.id("login-form"));
    assertThat(browser.getCurrentUrl()).endsWith("/login");
    shot("01-login");
    login("wrong password");
    assertThat(waitFor(By.id("login-error")).getText()).isEqualTo("Wrong user name or password.");
    shot("02-login-refused");
    login(PASSWORD);

    // Health: both nodes reachable, the service green once node-b has pulled.
    waiting(LONG)
        .until(ExpectedConditions.attributeToBe(By.id("service-tank"), "data-state", "green"));
    waitForText(By.id("state-tank"), "healthy", Duration.ofSeconds(5));
    assertThat(String.join(" ", texts("#nodes")))
        .contains("node-a")
        .contains("node-b")
        .doesNotContain(" no ");
    assertThat(texts("#active-tank")).containsExactly("node-a");
    Path health = shot("03-health");
    Path readmeImage = cluster.repo().resolve("docs/images/gui-health.png");
    Files.createDirectories(readmeImage.getParent());
    Files.copy(health, readmeImage, StandardCopyOption.REPLACE_EXISTING);

    // Snapshots: both sides aligned by GUID, the newest common one marked.
    browser.get(nodeA + "/snapshots");
    waitFor(By.id("newest-common"));
    assertThat(browser.findElements(By.cssSelector("#snapshots tbody tr.newest-common")))
        .hasSize(1);
    shot("04-snapshots");

    // Switchover from the GUI, watched step by step to its end.
    browser.get(nodeA + "/services");
    click(By.id("switchover-tank"));
    assertThat(waitFor(By.id("confirm-text")).getText()).contains("from node-a to node-b");
    browser.findElement(By.id("confirm-ok")).click();
    waitForText(By.id("switch-status"), "Done:", LONG);
    List<WebElement> steps = browser.findElements(By.cssSelector("#switch-steps li"));
    assertThat(steps.size()).isGreaterThanOrEqualTo(4);
    assertThat(browser.findElements(By.cssSelector("#switch-steps li.failed"))).isEmpty();
    // The page refreshes with the new owner and keeps the steps.
    waitForText(By.id("svc-active-tank"), "node-b", Duration.ofSeconds(20));
    assertThat(browser.findElements(By.cssSelector("#switch-steps li")).size())
        .isGreaterThanOrEqualTo(4);
    shot("05-switchover");
    assertThat(cluster.status("node-a").orElseThrow().activeNode()).isEqualTo("node-b");

    // History: the lag chart, the runs node-a now records as passive, and filtered events.
    browser.get(nodeA + "/history");
    waitFor(By.id("lag-chart"));
    cluster.await(
        LONG,
        "a pull by node-a after the switchover",
        () -> cluster.status("node-a").map(s -> s.lastRun() != null).orElse(false));
    browser.navigate().refresh();
    waitFor(By.cssSelector("#runs tbody tr"));
    waiting(Duration.ofSeconds(20))
        .until(
            b -> {
              new org.openqa.selenium.support.ui.Select(b.findElement(By.id("event-kind")))
                  .selectByValue("role_change");
              b.findElement(By.cssSelector("#event-filters button")).click();
              return true;
            });
    // The filtered table replaces the whole history: only role changes, and some.
    waiting(Duration.ofSeconds(20))
        .until(
            b -> {
              List<String> kinds = texts("#events tbody td:nth-child(2)");
              return !kinds.isEmpty() && kinds.stream().allMatch("role_change"::equals);
            });
    shot("06-history");

    // Settings: a bad value is refused next to its field; a good one reaches both nodes.
    browser.get(nodeA + "/settings");
    WebElement interval = waitFor(By.id("cluster-snapshotInterval"));
    interval.clear();
    interval.sendKeys("2s");
    browser.findElement(By.id("save-cluster")).click();
    waitForText(By.id("cluster-snapshotInterval-error"), "below the minimum of 5s", LONG);
    shot("07-settings-invalid");
    WebElement tankInterval = browser.findElement(By.id("tank-snapshotInterval"));
    tankInterval.clear();
    tankInterval.sendKeys("10s");
    browser.findElement(By.id("save-tank")).click();
    waitForText(By.id("settings-tank-result"), "Applied on node-a and node-b", LONG);
    shot("08-settings-saved");
    cluster.await(
        LONG,
        "node-b to use the new interval",
        () ->
            cluster
                .status("node-b")
                .map(s -> s.settings().snapshotInterval().equals("10s"))
                .orElse(false));

    // Power loss of the active (node-b): node-a takes over, locked, and says so in red.
    lab.command("kill", "node-b");
    browser.get(nodeA + "/");
    waitFor(By.id("lock-tank"), LONG);
    assertThat(texts("#lock-tank")).containsExactly("Failover occurred. Sync for tank is locked!");
    waiting(Duration.ofSeconds(10))
        .until(ExpectedConditions.attributeToBe(By.id("service-tank"), "data-state", "red"));
    shot("09-failover-locked");

    // node-b comes back passive; the operator reviews the divergence and clears the lock.
    lab.command("start", "node-b");
    cluster.start("node-b");
    cluster.awaitStatus(
        "node-b", LONG, s -> s.activeNode().equals("node-a"), "node-b to adopt node-a's epoch");
    browser.navigate().refresh();
    waitFor(By.id("resolve-tank"), LONG);
    click(By.id("resolve-tank"));
    waitFor(By.id("divergence-report"), LONG);
    shot("10-divergence");
    browser.findElement(By.id("mark-fixed")).click();
    assertThat(waitFor(By.id("confirm-text")).getText()).contains("node-a").contains("node-b");
    browser.findElement(By.id("confirm-ok")).click();
    waitForText(By.id("mark-fixed-result"), "Sync marked as fixed", LONG);
    ServiceStatus unlocked =
        cluster.awaitStatus("node-a", LONG, s -> !s.syncLocked(), "the lock to be cleared");
    assertThat(unlocked.activeNode()).isEqualTo("node-a");
    waitForText(By.id("state-tank"), "healthy", LONG);
    assertThat(browser.findElements(By.id("lock-tank"))).isEmpty();
    shot("11-health-after-fix");

    // Logout ends the session: the pages want a login again.
    browser.findElement(By.id("logout")).click();
    waitFor(By.id("login-form"));
    browser.get(nodeA + "/services");
    waitFor(By.id("login-form"));
  }

  private void login(String password) {
    WebElement user = waitFor(By.id("username"));
    user.clear();
    user.sendKeys(USER);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("login-button")).click();
  }

  private WebElement waitFor(By by) {
    return waitFor(by, Duration.ofSeconds(20));
  }

  private WebElement waitFor(By by, Duration timeout) {
    return waiting(timeout).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private void waitForText(By by, String text, Duration timeout) {
    waiting(timeout).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  /** Pages re-render as they poll: an element found a moment ago may be gone; look again. */
  private WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(browser, timeout);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private void click(By by) {
    waiting(Duration.ofSeconds(20))
        .until(
            b -> {
              b.findElement(by).click();
              return true;
            });
  }

  /** The texts of the elements {@code css} selects, read at one instant in the page. */
  @SuppressWarnings("unchecked")
  private List<String> texts(String css) {
    return (List<String>)
        ((JavascriptExecutor) browser)
            .executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)", css);
  }

  private Path shot(String name) throws IOException {
    Path file = SHOTS.resolve(name + ".png");
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(file, png);
    return file;
  }

  /**
   * Debian's chromium and chromedriver, headless; no download of any browser or driver. It trusts
   * exactly the nodes' self-signed certificates, by their public keys, as an operator's browser
   * does once told to.
   */
  private static WebDriver chromium(String... trustedSpki) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--ignore-certificate-errors-spki-list=" + String.join(",", trustedSpki),
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1100");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** The base64 SHA-256 of a certificate's public key, as Chromium names a key it trusts. */
  private static String spki(Path certificate) {
    try (var in = Files.newInputStream(certificate)) {
      byte[] key =
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificate(in)
              .getPublicKey()
              .getEncoded();
      return java.util.Base64.getEncoder()
          .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Forwards a free loopback port of this machine to the node's API port (8330), as the demo does:
   * the browser runs here, outside the lab's network namespaces.
   */
  private String forward(String node) {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String net =
        lab.node(node).nsenterPrefix().stream()
            .filter(a -> a.startsWith("--net="))
            .findFirst()
            .orElseThrow();
    try {
      Process socat =
          new ProcessBuilder(
                  "socat",
                  "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                  "EXEC:nsenter "
                      + net
                      + " socat STDIO TCP\\:"
                      + lab.node(node).address()
                      + "\\:8330")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      forwards.add(socat);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String base = "https://127.0.0.1:" + port;
    cluster.await(Duration.ofSeconds(20), "the forward to " + node, () -> answers(port));
    return base;
  }

  private static boolean answers(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
