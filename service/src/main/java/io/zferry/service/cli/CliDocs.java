package io.zferry.service.cli;

import io.zferry.service.Zferryd;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * Writes what the package installs beside the programs, generated from the commands themselves so
 * that it never drifts from them: bash completion for zferry, and the man pages zferry(1) and
 * zferryd(8), gzipped. Run at build time by packaging/pom.xml.
 *
 * <p>usage: {@code CliDocs OUTPUT_DIR VERSION}
 */
public final class CliDocs {
  private CliDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: CliDocs OUTPUT_DIR VERSION");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    String version = args[1];
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("zferry.bash"), AutoComplete.bash("zferry", ZferryCli.commandLine()));
    gzip(out.resolve("zferry.1.gz"), zferryPage(version));
    gzip(out.resolve("zferryd.8.gz"), zferrydPage(version));
  }

  /** zferry(1): the top-level help, then each command's help as picocli prints it. */
  static String zferryPage(String version) {
    CommandLine root = ZferryCli.commandLine();
    StringBuilder page = new StringBuilder();
    header(page, "ZFERRY", 1, version, "zferry \\- operate a zferry cluster of two ZFS nodes");
    page.append(".SH SYNOPSIS\n.B zferry\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
    page.append(".SH DESCRIPTION\n");
    verbatim(page, root.getUsageMessage(Ansi.OFF));
    page.append(".SH COMMANDS\n");
    commands(page, root, "zferry");
    page.append(
        """
        .SH FILES
        .TP
        .I /etc/zferry/zferry.yaml
        The configuration (or \\fB$ZFERRY_CONFIG\\fR, or \\fB\\-\\-config\\fR).
        .TP
        .I /etc/zferry/api\\-tokens
        The API tokens file the configuration names; the CLI sends the token labelled cli.
        .SH SEE ALSO
        .BR zferryd (8),
        /usr/share/doc/zferry/ (install.md, config.md, failover.md, recovery.md,
        troubleshooting.md, metrics.md)
        """);
    return page.toString();
  }

  /** zferryd(8): its options, and where it keeps and serves what. */
  static String zferrydPage(String version) {
    CommandLine daemon = new CommandLine(new Zferryd());
    StringBuilder page = new StringBuilder();
    header(page, "ZFERRYD", 8, version, "zferryd \\- the zferry daemon: ZFS high availability");
    page.append(".SH SYNOPSIS\n.B zferryd\n[\\fIOPTIONS\\fR]\n.SH OPTIONS\n");
    verbatim(page, daemon.getUsageMessage(Ansi.OFF));
    page.append(
        """
        .SH DESCRIPTION
        zferryd keeps each configured service (a ZFS pool, its virtual IPs and optional start and
        stop hooks) highly available on two nodes that share nothing. On the active node it takes
        snapshots and serves; the passive node pulls them over SSH (zfs send | zfs recv,
        incremental by GUID). When the active node stops answering, the passive takes over if the
        fencing policy allows, and locks sync until an operator has looked at what the failed node
        still holds (see \\fBzferry\\fR(1): divergence, mark\\-sync\\-as\\-fixed).
        .PP
        systemd runs it as \\fBzferryd.service\\fR (Type=notify with a watchdog): enable it with
        \\fBsystemctl enable \\-\\-now zferryd\\fR once the configuration and the tokens are in
        place; its log is \\fBjournalctl \\-u zferryd\\fR.
        .PP
        It serves its REST API under /api/v1 and Prometheus metrics at /metrics on the API port
        (8330 by default); every request needs a bearer token from the tokens file.
        .SH EXIT STATUS
        0 after a clean stop or a successful \\fB\\-\\-check\\-config\\fR; 1 when it cannot start (the
        message names the problem and the fix); 2 for wrong usage.
        .SH FILES
        .TP
        .I /etc/zferry/zferry.yaml
        The configuration; every key is described in /usr/share/doc/zferry/config.md.
        .TP
        .I /etc/zferry/api\\-tokens
        API tokens (mode 0600), the same file on both nodes.
        .TP
        .I /var/lib/zferry/state.db
        Roles, epochs, sync locks, events and replication runs (SQLite).
        .SH SEE ALSO
        .BR zferry (1),
        .BR systemctl (1),
        .BR journalctl (1),
        .BR zfs (8)
        """);
    return page.toString();
  }

  private static void commands(StringBuilder page, CommandLine command, String path) {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
        continue;
      }
      String name = path + " " + sub.getCommandName();
      if (sub.getSubcommands().isEmpty()) {
        page.append(".SS \"").append(name).append("\"\n");
        verbatim(page, sub.getUsageMessage(Ansi.OFF));
      }
      commands(page, sub, name);
    }
  }

  private static void header(
      StringBuilder page, String title, int section, String version, String name) {
    page.append(".\\\" Generated from the commands' own help by ")
        .append(CliDocs.class.getName())
        .append("; do not edit.\n");
    page.append(".TH ")
        .append(title)
        .append(' ')
        .append(section)
        .append(" \"\" \"zferry ")
        .append(version)
        .append("\" \"zferry\"\n");
    page.append(".SH NAME\n").append(name).append('\n');
  }

  /** Text shown as printed: no filling, roff's escape and control characters neutralised. */
  private static void verbatim(StringBuilder page, String text) {
    page.append(".nf\n");
    for (String line : List.of(text.split("\n", -1))) {
      String escaped = line.replace("\\", "\\e");
      if (escaped.startsWith(".") || escaped.startsWith("'")) {
        escaped = "\\&" + escaped;
      }
      page.append(escaped).append('\n');
    }
    page.append(".fi\n");
  }

  private static void gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      writer.write(text);
    }
  }
}
