package io.zferry.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb this build made installs, works, upgrades, removes and purges on this machine:
 * packaging/test-package does it all and leaves the machine as it found it. Needs root, like the
 * lab tests, and is skipped with them (-DskipLabTests).
 */
class PackageIT {
  private static final int CANNOT_RUN_HERE = 3;

  @Test
  void thePackageInstallsUpgradesRemovesAndPurges(@TempDir Path dir) throws Exception {
    Path deb = Path.of(System.getProperty("zferry.deb"));
    Path script = Path.of(System.getProperty("zferry.testPackage"));
    assertThat(deb).as("the package built in this module").isRegularFile();
    Path log = dir.resolve("test-package.log");

    Process run =
        new ProcessBuilder(script.toString(), deb.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean finished = run.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      // SIGTERM lets the script's trap purge what it installed.
      run.destroy();
      run.waitFor(2, TimeUnit.MINUTES);
    }

    String output = Files.readString(log);
    System.out.println(output);
    assertThat(finished).as("test-package finished within 10 minutes:%n%s", output).isTrue();
    // 3: not root, or a machine where zferry is (or was) installed, which it must not touch.
    assumeTrue(run.exitValue() != CANNOT_RUN_HERE, output);
    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains(" passed, 0 failed").doesNotContain("not ok");
  }
}
