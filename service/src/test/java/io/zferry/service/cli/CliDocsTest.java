package io.zferry.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.AutoComplete;

class CliDocsTest {
  @Test
  void theManPageHasASectionForEveryCommandWithItsHelp() {
    String page = CliDocs.zferryPage("1.2.3");

    assertThat(page).startsWith(".\\\" Generated").contains(".TH ZFERRY 1 \"\" \"zferry 1.2.3\"");
    for (String command :
        new String[] {
          "status",
          "check",
          "failover",
          "divergence",
          "mark-sync-as-fixed",
          "token new",
          "config check",
          "version"
        }) {
      assertThat(page).contains(".SS \"zferry " + command + "\"");
    }
    assertThat(page).contains("ZFERRY OK - tank: passive").contains("Exit codes");
    assertThat(
            page.lines()
                .filter(
                    l ->
                        l.startsWith(".")
                            && !l.matches("\\.(\\\\\"|TH|SH|SS|TP|PP|B|I|BR|nf|fi)( .*)?")))
        .as("no line of help text is read as a roff request")
        .isEmpty();
  }

  @Test
  void theDaemonsPageNamesItsFilesAndOptions() {
    String page = CliDocs.zferrydPage("1.2.3");

    assertThat(page)
        .contains(".TH ZFERRYD 8")
        .contains("--check-config")
        .contains("/var/lib/zferry/state.db")
        .contains("/metrics");
  }

  @Test
  void bashCompletionKnowsTheCommands() {
    String script = AutoComplete.bash("zferry", ZferryCli.commandLine());

    assertThat(script).contains("complete -F _complete_zferry").contains("mark-sync-as-fixed");
  }
}
