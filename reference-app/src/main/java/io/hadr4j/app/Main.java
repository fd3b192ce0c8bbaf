package io.hadr4j.app;

import io.hadr4j.app.Options.ConfigException;
import io.hadr4j.core.Secrets;
import io.hadr4j.core.drill.DrillOutcome;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.ShellCommandFault;
import io.hadr4j.azure.AzureSqlTokenCallback;
import io.hadr4j.core.drill.Fault;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The reference app's command line: {@code serve} (one app instance), {@code drill} (the DR drill and its report)
 * and, in the local jar only ({@code reference-app-local.jar}, which {@code ./run-local} runs), {@code local} (two
 * regions and a global entry on this machine) and a drill against a fresh local setup. This jar, the one App Service
 * and OCI instances run, carries no testkit: {@link LocalCommands} plug the local commands in. {@link #run} returns
 * the exit code instead of exiting, so that tests can call it: 0 success, 1 failure at run time (or drill objectives
 * missed), 2 bad command or configuration.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** The commands that need the testkit's local two-region PostgreSQL; only the local jar has them. */
    interface LocalCommands {
        /** The usage of {@code local}'s flags. */
        String usage();

        /** Runs {@code local} until the JVM is stopped. */
        int local(Options o, PrintStream out) throws Exception;

        /** Runs the drill against a fresh local setup (or, with --strategy/--compare, one per strategy), and returns its report. */
        DrillOutcome drill(Options o, DrillCommand.Settings settings, PrintStream out) throws Exception;
    }

    private static final String NO_LOCAL = "is in the local jar, not in this one (the jar a cloud instance serves from carries no testkit): "
            + "run ./run-local, or java -jar reference-app-local/target/reference-app-local.jar";

    private Main() {
    }

    private static String help(LocalCommands local) {
        return String.join("\n",
                "usage: java -jar " + (local == null ? "reference-app.jar" : "reference-app-local.jar") + " <command> [flags]",
                "",
                "commands:",
                "  local   the app in two local regions over a two-region PostgreSQL, behind a local global entry"
                        + (local == null ? " (local jar only)" : ""),
                "  drill   the DR drill (against a fresh 'local' setup" + (local == null ? ", local jar only" : "")
                        + ", or --entry/--db of a deployment); writes drill-report.json/.html",
                "  serve   one app instance (what 'local' starts per region, and what runs in the cloud)",
                "  help    this text",
                "",
                AppConfig.USAGE,
                "",
                "local:",
                local == null ? "  (see the local jar's help)" : local.usage(),
                "",
                "drill: the 'local' flags (for the setup it starts), and",
                DrillCommand.Settings.USAGE,
                "  --out DIR              where the report files go (default .)",
                "  against a deployment instead of a local setup:",
                "  --entry URL            the global entry (Front Door endpoint, load balancer)",
                "  --db NAME,REGION,URL   the database endpoints, as for serve (user/password: HADR_DB_USER, HADR_DB_PASSWORD)",
                "  --stop-app-command CMD, --switchover-command CMD, --failover-command CMD",
                "                         shell commands that inject each fault; a step without one is reported as not run",
                "  --db-auth entra-id     (env HADR_DB_AUTH) sign in to Azure SQL with Entra ID instead of HADR_DB_USER/HADR_DB_PASSWORD",
                AzureDrill.USAGE);
    }

    public static void main(String[] args) {
        setLogDefaults();
        System.exit(run(args, System.out, System.err, System::getenv, null));
    }

    static void setLogDefaults() {
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        setDefault("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }

    /** Runs one command; {@code local} is null in this jar, the local commands in the local jar. */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env, LocalCommands local) {
        String help = help(local);
        if (args.length == 0) {
            err.println("no command given.\n\n" + help);
            return USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "serve":
                    return serve(Options.parse(rest, env), out);
                case "local":
                    if (local == null) {
                        err.println("the 'local' command " + NO_LOCAL + " local");
                        return USAGE;
                    }
                    return local.local(Options.parse(rest, env), out);
                case "drill":
                    return drill(Options.parse(rest, env), out, local);
                case "help":
                case "--help":
                case "-h":
                    out.println(help);
                    return OK;
                default:
                    err.println("unknown command '" + args[0] + "': use local, drill, serve or help.\n\n" + help);
                    return USAGE;
            }
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            // the class and the masked message, never toString(): a driver's message can quote a connection string
            err.println(args[0] + " failed: " + e.getClass().getName() + ": " + Secrets.safeMessage(e));
            return FAILED;
        }
    }

    private static int serve(Options o, PrintStream out) throws Exception {
        if (o.string("strategy", null) != null) {
            throw new ConfigException("--strategy is for 'local' and 'drill' (it decides which parts of the local region B run, and how "
                    + "the local entry routes); 'serve' runs one instance, the same in every strategy: leave --strategy out, and set "
                    + "the strategy where the instances are deployed (Front Door's origin priorities and weights)");
        }
        AppConfig config = AppConfig.from(o);
        AppServer app = AppServer.start(config);
        app.installShutdownHook(); // drain first (readiness DOWN for --drain-delay), then stop
        out.println("serving region " + config.region() + " on http://0.0.0.0:" + app.port() + "/ (health: /health, /api/health)");
        app.join();
        return OK;
    }

    private static int drill(Options o, PrintStream out, LocalCommands local) throws Exception {
        DrillCommand.Settings settings = DrillCommand.Settings.from(o);
        Path outDir = Path.of(o.string("out", "."));
        String entry = o.string("entry", null);
        DrillOutcome report;
        if (entry != null) {
            if (o.string("strategy", null) != null || o.flag("compare")) {
                throw new ConfigException("--strategy and --compare set up local drills; a deployment's strategy is how it was deployed: "
                        + "leave them out with --entry, or leave out --entry to drill local setups");
            }
            report = drillDeployment(o, URI.create(entry), settings, out);
        } else if (local != null) {
            report = local.drill(o, settings, out);
        } else {
            throw new ConfigException("drill against a deployment needs --entry URL and --db NAME,REGION,JDBC_URL; a drill against a "
                    + "fresh local setup " + NO_LOCAL + " drill");
        }
        Path html = report.write(outDir);
        out.println("report: " + outDir.resolve(report.files().get(0)) + " and " + html);
        out.println(report.passed() ? "all steps met the objectives" : "some steps missed the objectives");
        return report.passed() ? OK : FAILED;
    }

    private static DrillReport drillDeployment(Options o, URI entry, DrillCommand.Settings settings, PrintStream out) throws Exception {
        if (entry.getScheme() == null || !entry.getScheme().startsWith("http") || entry.getHost() == null) {
            throw new ConfigException("--entry must be an http(s) URL such as https://myapp.azurefd.net, got '" + entry + "'");
        }
        List<AppConfig.DbEndpoint> endpoints = o.all("db", AppConfig.ENV_DB).stream().map(AppConfig.DbEndpoint::parse).toList();
        if (endpoints.isEmpty()) {
            throw new ConfigException("drill --entry also needs the database endpoints: --db NAME,REGION,JDBC_URL per region");
        }
        AppSql sql = AppSql.of(endpoints);
        AzureSqlTokenCallback tokens = AppConfig.tokens(o, sql);
        String user = o.string("db-user", tokens == null ? "postgres" : null, AppConfig.ENV_DB_USER);
        AppConfig.Secret password = new AppConfig.Secret(o.secretFromEnvironment(AppConfig.ENV_DB_PASSWORD));
        String stopApp = o.string("stop-app-command", null);
        String switchover = o.string("switchover-command", null);
        String failover = o.string("failover-command", null);
        AzureDrill.Settings azure = AzureDrill.from(o);
        o.rejectUnknown("drill");
        if (azure != null && ((azure.appService() != null && stopApp != null) || (azure.failoverGroup() != null && (switchover != null || failover != null)))) {
            throw new ConfigException("give each step either its --azure-* flag or its --*-command, not both");
        }
        AzureDrill.Selection onAzure = azure == null ? new AzureDrill.Selection(null, null, null, null)
                : AzureDrill.select(azure, AzureDrill.Managers.defaultCredential(azure.tenant()), tokens, user, password);
        AzureDrill.describe(onAzure).forEach(line -> out.println("on Azure: " + line));
        RoutedDatabase.requireOneReachable(endpoints, user, password, null, tokens);
        try (RoutedDatabase db = new RoutedDatabase("drill", endpoints.get(0).region(), endpoints, user, password, null, tokens,
                java.time.Duration.ofSeconds(1))) {
            DrillCommand.Faults faults = new DrillCommand.Faults(
                    onAzure.stopApp() != null ? onAzure.stopApp() : ShellCommandFault.of(DrillCommand.STOP_APP, stopApp),
                    onAzure.switchover() == null ? ShellCommandFault.of(DrillCommand.SWITCHOVER, switchover)
                            // region A's app runs again from the switchover step on
                            : onAzure.stopApp() == null ? onAzure.switchover() : AzureDrill.afterStarting(onAzure.stopApp(), onAzure.switchover()),
                    onAzure.failover() != null ? onAzure.failover() : ShellCommandFault.of(DrillCommand.FAILOVER, failover),
                    onAzure::backups);
            return DrillCommand.run(entry, db.dataSource(), sql, faults, settings, out);
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
