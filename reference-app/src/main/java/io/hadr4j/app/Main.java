package io.hadr4j.app;

import io.hadr4j.app.Options.ConfigException;
import io.hadr4j.azure.AzureSqlTokenCallback;
import io.hadr4j.core.backup.BackupService;
import io.hadr4j.core.backup.postgres.PostgresBackupService;
import io.hadr4j.testkit.PgNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The reference app's command line: {@code serve} (one app instance), {@code local} (two regions, a global
 * entry, on this machine) and {@code drill} (the DR drill and its report). {@link #run} returns the exit code
 * instead of exiting, so that tests can call it: 0 success, 1 failure at run time (or drill objectives
 * missed), 2 bad command or configuration.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String HELP = String.join("\n",
            "usage: java -jar reference-app.jar <command> [flags]",
            "",
            "commands:",
            "  local   the app in two local regions over a two-region PostgreSQL, behind a local global entry",
            "  drill   the DR drill (against a fresh 'local' setup, or --entry/--db of a deployment); writes drill-report.json/.html",
            "  serve   one app instance (what 'local' starts per region, and what runs in the cloud)",
            "  help    this text",
            "",
            AppConfig.USAGE,
            "",
            "local:",
            LocalSetup.Settings.USAGE,
            "",
            "drill: the 'local' flags (for the setup it starts), and",
            Drill.Settings.USAGE,
            "  --out DIR              where the report files go (default .)",
            "  against a deployment instead of a local setup:",
            "  --entry URL            the global entry (Front Door endpoint, load balancer)",
            "  --db NAME,REGION,URL   the database endpoints, as for serve (user/password: HADR_DB_USER, HADR_DB_PASSWORD)",
            "  --stop-app-command CMD, --switchover-command CMD, --failover-command CMD",
            "                         shell commands that inject each fault; a step without one is reported as not run",
            "  --db-auth entra-id     (env HADR_DB_AUTH) sign in to Azure SQL with Entra ID instead of HADR_DB_USER/HADR_DB_PASSWORD",
            AzureDrill.USAGE);

    private Main() {
    }

    public static void main(String[] args) {
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        setDefault("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        if (args.length == 0) {
            err.println("no command given.\n\n" + HELP);
            return USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "serve":
                    return serve(Options.parse(rest, env), out);
                case "local":
                    return local(Options.parse(rest, env), out);
                case "drill":
                    return drill(Options.parse(rest, env), out);
                case "help":
                case "--help":
                case "-h":
                    out.println(HELP);
                    return OK;
                default:
                    err.println("unknown command '" + args[0] + "': use local, drill, serve or help.\n\n" + HELP);
                    return USAGE;
            }
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            err.println(args[0] + " failed: " + e);
            return FAILED;
        }
    }

    private static int serve(Options o, PrintStream out) throws Exception {
        AppConfig config = AppConfig.from(o);
        AppServer app = AppServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "serve-shutdown"));
        out.println("serving region " + config.region() + " on http://0.0.0.0:" + app.port() + "/ (health: /health, /api/health)");
        app.join();
        return OK;
    }

    private static int local(Options o, PrintStream out) throws Exception {
        LocalSetup.Settings settings = LocalSetup.Settings.from(o);
        o.rejectUnknown("local");
        LocalSetup setup = LocalSetup.start(settings, out);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping: app processes, global entry, database ...");
            setup.close();
            main.interrupt();
        }, "local-shutdown"));
        out.println("\n" + setup.describe() + "\nopen " + setup.entryUri() + "/ (served by region A while it is healthy, else region B)."
                + "\nCtrl-C stops everything.");
        try {
            TimeUnit.DAYS.sleep(365);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    private static int drill(Options o, PrintStream out) throws Exception {
        Drill.Settings settings = Drill.Settings.from(o);
        Path outDir = Path.of(o.string("out", "."));
        String entry = o.string("entry", null);
        DrillReport report;
        if (entry == null) {
            LocalSetup.Settings localSettings = LocalSetup.Settings.from(o);
            o.rejectUnknown("drill");
            try (LocalSetup setup = LocalSetup.start(localSettings, out);
                 RoutedDatabase db = new RoutedDatabase("drill", LocalSetup.REGION_B, setup.dbEndpoints(), setup.dbUser(),
                         setup.dbPassword(), localSettings.routerProbeInterval())) {
                out.println(setup.describe());
                report = new Drill(setup.entryUri(), db.dataSource(), AppSql.POSTGRESQL, localFaults(setup), settings, out).run();
            }
        } else {
            report = drillDeployment(o, URI.create(entry), settings, out);
        }
        Path html = report.write(outDir);
        out.println("report: " + outDir.resolve(DrillReport.JSON_FILE) + " and " + html);
        out.println(report.passed() ? "all steps met the objectives" : "some steps missed the objectives");
        return report.passed() ? OK : FAILED;
    }

    private static Drill.Faults localFaults(LocalSetup setup) {
        return new Drill.Faults() {
            @Override
            public void stopRegionAApp() {
                setup.stopApp("a", false);
            }

            @Override
            public void switchover() {
                setup.database().switchover();
            }

            @Override
            public void failover() {
                PgNode primary = setup.database().primary();
                primary.kill();
                setup.database().failover();
            }

            @Override
            public BackupService backups() throws IOException {
                return new PostgresBackupService(setup.backupConfig());
            }

            @Override
            public void archiveLog() {
                setup.database().primary().execute("SELECT pg_switch_wal()");
            }
        };
    }

    private static DrillReport drillDeployment(Options o, URI entry, Drill.Settings settings, PrintStream out) throws Exception {
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
        RoutedDatabase.requireOneReachable(endpoints, user, password, tokens);
        try (RoutedDatabase db = new RoutedDatabase("drill", endpoints.get(0).region(), endpoints, user, password, tokens,
                java.time.Duration.ofSeconds(1))) {
            Drill.Faults faults = new Drill.Faults() {
                @Override
                public void stopRegionAApp() throws Exception {
                    if (onAzure.stopApp() != null) onAzure.stopApp().inject(); else shell(stopApp);
                }

                @Override
                public void switchover() throws Exception {
                    if (onAzure.stopApp() != null) onAzure.stopApp().heal(); // region A's app runs again from the next step on
                    if (onAzure.switchover() != null) onAzure.switchover().inject(); else shell(switchover);
                }

                @Override
                public void failover() throws Exception {
                    if (onAzure.failover() != null) onAzure.failover().inject(); else shell(failover);
                }

                @Override
                public String unavailable(String step) {
                    boolean azureFault = Drill.STOP_APP.equals(step) ? onAzure.stopApp() != null
                            : Drill.SWITCHOVER.equals(step) ? onAzure.switchover() != null : onAzure.failover() != null;
                    String command = Drill.STOP_APP.equals(step) ? stopApp : Drill.SWITCHOVER.equals(step) ? switchover : failover;
                    return azureFault || command != null ? null : "not run: no command or --azure-* flag given for this step (see --help)";
                }

                @Override
                public BackupService backups() {
                    return onAzure.backups();
                }
            };
            return new Drill(entry, db.dataSource(), sql, faults, settings, out).run();
        }
    }

    private static void shell(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + code);
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
