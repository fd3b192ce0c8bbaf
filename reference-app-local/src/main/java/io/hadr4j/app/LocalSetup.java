package io.hadr4j.app;

import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PgServer;
import io.hadr4j.postgres.PostgresBackupConfig;
import io.hadr4j.testkit.DrillFaults;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code local} runs: the testkit's two-region PostgreSQL (region A primary, region B standby),
 * one app process per region (the same classpath, command {@code serve}), each reaching both database nodes
 * through the testkit's fault proxies, and a {@link GlobalEntry} with region A's app at priority 1 and region
 * B's at priority 2. {@link #close()} destroys the app processes, stops the entry and the database, and deletes
 * the work directory (app logs, backups) unless {@code -Dhadr4j.pg.keep=true}.
 */
final class LocalSetup implements AutoCloseable {
    static final String REGION_A = "region-a";
    static final String REGION_B = "region-b";
    private static final Logger log = LoggerFactory.getLogger(LocalSetup.class);

    /** How {@code local} is set up; the timings are short in tests. */
    record Settings(int entryPort, GlobalEntry.ProbeSettings probe, int priorityA, int priorityB, Duration healthInterval,
                    Duration routerProbeInterval) {
        static final String USAGE = String.join("\n",
                "  --port N                   port of the global entry (default 8080; 0 for any free port)",
                "  --probe-path P             Front Door healthProbeSettings.probePath (default /health)",
                "  --probe-method HEAD|GET    probeRequestType (default HEAD)",
                "  --probe-interval D         probeIntervalInSeconds, as a duration (default 2s)",
                "  --sample-size N            loadBalancingSettings.sampleSize (default 4)",
                "  --successful-samples N     loadBalancingSettings.successfulSamplesRequired (default 3)",
                "  --probe-timeout D          how long a probe may take (default 1s)",
                "  --priority-a N, --priority-b N  origin priorities, 1 (first) to 5 as in Front Door (default 1 and 2)",
                "  --health-interval D        how often each app runs its health checks (default 2s)",
                "  --router-probe-interval D  how often each app's DataSource probes database roles (default 1s)");

        static Settings from(Options o) {
            return new Settings(o.port("port", 8080), GlobalEntry.ProbeSettings.from(o),
                    GlobalEntry.Origin.priority(o, "priority-a", 1), GlobalEntry.Origin.priority(o, "priority-b", 2), o.duration("health-interval", Duration.ofSeconds(2)), o.duration("router-probe-interval", Duration.ofSeconds(1)));
        }
    }

    private final Path workDir;
    private final TwoRegionPostgres db;
    private final Map<String, AppProcess> apps = new LinkedHashMap<>();
    private GlobalEntry entry;

    private LocalSetup(Path workDir, TwoRegionPostgres db) {
        this.workDir = workDir;
        this.db = db;
    }

    static LocalSetup start(Settings settings, PrintStream out) throws Exception {
        // Traversable by the PostgreSQL servers' user: restored copies live under it.
        Path workDir = Files.createTempDirectory("hadr4j-local-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        out.println("starting the two-region database (region A primary, region B standby) ...");
        LocalSetup setup = new LocalSetup(workDir, TwoRegionPostgres.builder().regions(REGION_A, REGION_B).build().start());
        try {
            out.println("starting one app process per region (logs in " + workDir + ") ...");
            setup.startApp("a", REGION_A, settings);
            setup.startApp("b", REGION_B, settings);
            for (AppProcess app : setup.apps.values()) {
                app.awaitServing(Duration.ofSeconds(90));
            }
            setup.entry = GlobalEntry.start(settings.entryPort(), settings.probe(), List.of(
                    new GlobalEntry.Origin("a", setup.apps.get("a").uri(), settings.priorityA(), GlobalEntry.Origin.MAX_WEIGHT),
                    new GlobalEntry.Origin("b", setup.apps.get("b").uri(), settings.priorityB(), GlobalEntry.Origin.MAX_WEIGHT)));
            return setup;
        } catch (Exception | Error e) {
            setup.close();
            throw e;
        }
    }

    TwoRegionPostgres database() {
        return db;
    }

    URI entryUri() {
        return entry.uri();
    }

    URI appUri(String name) {
        return app(name).uri();
    }

    GlobalEntry entry() {
        return entry;
    }

    /** The database endpoints as the apps see them: through each node's fault proxy. */
    List<AppConfig.DbEndpoint> dbEndpoints() {
        List<AppConfig.DbEndpoint> out = new ArrayList<>();
        for (PgNode n : db.nodes()) {
            out.add(new AppConfig.DbEndpoint(n.name(), n.region(), n.jdbcUrl()));
        }
        return out;
    }

    String dbUser() {
        return db.nodeA().user();
    }

    AppConfig.Secret dbPassword() {
        return new AppConfig.Secret(db.nodeA().password());
    }

    /**
     * Backups of the current primary for point-in-time restore, kept with restored copies under this setup's
     * work directory; servers run as the testkit's PostgreSQL user.
     */
    PostgresBackupConfig backupConfig() throws IOException {
        PgNode primary = db.primary();
        return db.backupConfig(primary, Files.createDirectories(workDir.resolve("backup-" + primary.name()))).build();
    }

    /** Kills the app process of region {@code name} ("a" or "b"): SIGKILL when {@code forcibly}, else SIGTERM. */
    void stopApp(String name, boolean forcibly) {
        app(name).stop(forcibly);
    }

    long appPid(String name) {
        return app(name).process.pid();
    }

    /** The app process of region {@code name} ("a" or "b"). */
    ProcessHandle appProcess(String name) {
        return app(name).process.toHandle();
    }

    boolean appAlive(String name) {
        return app(name).process.isAlive();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("global entry:   ").append(entry.uri()).append("  (Front Door-style probes: ").append(entry.describe()).append(")\n");
        for (AppProcess app : apps.values()) {
            sb.append("app ").append(app.name).append(" (").append(app.region).append("): ").append(app.uri())
                    .append("  pid ").append(app.process.pid()).append(", log ").append(app.log).append('\n');
        }
        for (PgNode n : db.nodes()) {
            sb.append("database ").append(n.name()).append(" (").append(n.region()).append(", ").append(n.role())
                    .append("): ").append(n.jdbcUrl()).append("  user ").append(n.user()).append('\n');
        }
        return sb.toString();
    }

    private AppProcess app(String name) {
        AppProcess app = apps.get(name);
        if (app == null) {
            throw new IllegalArgumentException("no app '" + name + "': the apps are " + apps.keySet());
        }
        return app;
    }

    private void startApp(String name, String region, Settings settings) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--region", region, "--port", Integer.toString(port),
                "--health-interval", settings.healthInterval().toMillis() + "ms",
                "--router-probe-interval", settings.routerProbeInterval().toMillis() + "ms",
                "--db-user", dbUser()));
        for (AppConfig.DbEndpoint e : dbEndpoints()) {
            command.add("--db");
            command.add(e.spec());
        }
        Path logFile = workDir.resolve("app-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().put(AppConfig.ENV_DB_PASSWORD, dbPassword().reveal());
        pb.environment().remove(AppConfig.ENV_DB);
        apps.put(name, new AppProcess(name, region, port, pb.start(), logFile));
    }

    @Override
    public void close() {
        for (AppProcess app : apps.values()) {
            app.stop(false);
        }
        if (entry != null) {
            entry.close();
        }
        db.close();
        if (Boolean.getBoolean("hadr4j.pg.keep")) {
            log.info("keeping {} (-Dhadr4j.pg.keep=true)", workDir);
        } else {
            PgFiles.deleteTree(workDir); // app logs, backups and restored copies
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final class AppProcess {
        final String name;
        final String region;
        final int port;
        final Process process;
        final Path log;

        AppProcess(String name, String region, int port, Process process, Path log) {
            this.name = name;
            this.region = region;
            this.port = port;
            this.process = process;
            this.log = log;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }

        void awaitServing(Duration timeout) throws InterruptedException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("app " + name + " exited with " + process.exitValue() + "; its log ends with:\n" + tail());
                }
                try {
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri().resolve("/health/ready"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("app " + name + " was not ready within " + timeout.toSeconds() + " s; its log ends with:\n" + tail());
        }

        void stop(boolean forcibly) {
            try {
                DrillFaults.stop("app " + name + " (" + region + ")", process.toHandle(), forcibly);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        String tail() {
            return PgServer.tail(log, 30);
        }
    }
}
