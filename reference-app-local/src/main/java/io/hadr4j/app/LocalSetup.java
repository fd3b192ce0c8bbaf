package io.hadr4j.app;

import io.hadr4j.core.backup.Backup;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PgServer;
import io.hadr4j.postgres.PostgresBackupConfig;
import io.hadr4j.postgres.PostgresBackupService;
import io.hadr4j.postgres.PostgresRestoredDatabase;
import io.hadr4j.testkit.DrillFaults;
import io.hadr4j.testkit.FaultProxy;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code local} runs, as its {@link Strategy} says: the testkit's two-region PostgreSQL (region A primary;
 * region B a synchronous or asynchronous standby, or, for {@code cold}, no server but region A's base backup and WAL
 * archive), one app process per region that runs before a disaster (the same classpath, command {@code serve}), each
 * reaching both database endpoints through fault proxies, and a {@link GlobalEntry} with region A's and region B's app
 * as origins at the strategy's priorities and the weights given. Region B's app and database that a strategy does not
 * run yet are planned (their ports fixed, the entry and the endpoints pointing at them) and started by
 * {@link #startRegionBApp} and {@link #restoreRegionB} when the region-loss drill fails over. {@link #close()} destroys
 * the app processes, stops the entry and the database (and a restored copy), and deletes the work directory (app logs,
 * backups) unless {@code -Dhadr4j.pg.keep=true}.
 */
final class LocalSetup implements AutoCloseable {
    static final String REGION_A = "region-a";
    static final String REGION_B = "region-b";
    private static final Logger log = LoggerFactory.getLogger(LocalSetup.class);

    /** How {@code local} is set up; the timings are short in tests. */
    record Settings(int entryPort, GlobalEntry.ProbeSettings probe, Strategy strategy, int priorityA, int priorityB, int weightA,
                    int weightB, Duration healthInterval, Duration routerProbeInterval) {
        static final String USAGE = String.join("\n",
                "  --strategy S               " + Strategy.ids() + " (default " + Strategy.DEFAULT + "): which parts",
                "                             of region B run before a disaster, and how the entry routes (see README)",
                "  --port N                   port of the global entry (default 8080; 0 for any free port)",
                "  --probe-path P             Front Door healthProbeSettings.probePath (default /health)",
                "  --probe-method HEAD|GET    probeRequestType (default HEAD)",
                "  --probe-interval D         probeIntervalInSeconds, as a duration, 10ms to 1h (default 2s)",
                "  --sample-size N            loadBalancingSettings.sampleSize (default 4)",
                "  --successful-samples N     loadBalancingSettings.successfulSamplesRequired (default 3)",
                "  --latency-sensitivity D    additionalLatencyInMilliseconds: origins this close to the fastest probe latency",
                "                             share traffic (default " + GlobalEntry.ProbeSettings.DEFAULT_LATENCY_SENSITIVITY.toMillis()
                        + "ms; 0: only the fastest)",
                "  --probe-timeout D          how long a probe may take, 10ms to 10m (default 1s)",
                "  --priority-a N, --priority-b N  origin priorities, 1 (first) to 5 as in Front Door (default: the strategy's,",
                "                             1 and 1 for active-active, else 1 and 2)",
                "  --weight-a N, --weight-b N origin weights, 1 to 1000 as in Front Door (default 1000 each): origins of equal",
                "                             priority share traffic in the ratio of their weights",
                "  --health-interval D        how often each app runs its health checks, 100ms to 1h (default 2s)",
                "  --router-probe-interval D  how often each app's DataSource probes database roles, 100ms to 1h (default 1s)",
                "  drill --strategy S         the region-loss drill of strategy S instead of the four-step drill; writes",
                "                             drill-comparison.json/.html",
                "  drill --compare            the region-loss drill of all four strategies, one after another, in one report");

        Settings {
            strategy.checkPriorities(priorityA, priorityB);
        }

        /** The flags, for the strategy {@code --strategy} names (default active-passive). */
        static Settings from(Options o) {
            return from(o, Strategy.from(o));
        }

        /** The flags, for {@code strategy}: its priorities unless the flags give others (which must suit it). */
        static Settings from(Options o, Strategy strategy) {
            return new Settings(o.port("port", 8080), GlobalEntry.ProbeSettings.from(o), strategy,
                    GlobalEntry.Origin.priority(o, "priority-a", strategy.priorityA), GlobalEntry.Origin.priority(o, "priority-b", strategy.priorityB),
                    GlobalEntry.Origin.weight(o, "weight-a", GlobalEntry.Origin.MAX_WEIGHT), GlobalEntry.Origin.weight(o, "weight-b", GlobalEntry.Origin.MAX_WEIGHT),
                    o.duration("health-interval", Duration.ofSeconds(2), AppConfig.MIN_INTERVAL, AppConfig.MAX_INTERVAL),
                    o.duration("router-probe-interval", Duration.ofSeconds(1), AppConfig.MIN_INTERVAL, AppConfig.MAX_INTERVAL));
        }

        /** Short timings and the strategy's priorities, for tests. */
        static Settings forTests(GlobalEntry.ProbeSettings probe, Strategy strategy) {
            return new Settings(0, probe, strategy, strategy.priorityA, strategy.priorityB, GlobalEntry.Origin.MAX_WEIGHT,
                    GlobalEntry.Origin.MAX_WEIGHT, Duration.ofMillis(500), Duration.ofMillis(500));
        }
    }

    private final Path workDir;
    private final TwoRegionPostgres db;
    private final Settings settings;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, AppProcess> apps = new LinkedHashMap<>();
    private GlobalEntry entry;
    /** Cold only: region A's backups, region B's database address (refusing until the restore), and the restored copy. */
    private PostgresBackupService backups;
    private FaultProxy regionBDatabase;
    private volatile PostgresRestoredDatabase restored;
    /** When the restore finished, before region B's database address led to it: nothing had written to the copy yet. */
    private volatile Instant restoredAt;

    private LocalSetup(Path workDir, TwoRegionPostgres db, Settings settings) {
        this.workDir = workDir;
        this.db = db;
        this.settings = settings;
    }

    static LocalSetup start(Settings settings, PrintStream out) throws Exception {
        Strategy strategy = settings.strategy();
        // Traversable by the PostgreSQL servers' user: restored copies live under it.
        Path workDir = Files.createTempDirectory("hadr4j-local-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        out.println("strategy " + strategy + ": " + strategy.description);
        out.println("starting the two-region database (region A primary, region B " + (strategy.standby == Strategy.Standby.NONE
                ? "none: backups only" : strategy.standby == Strategy.Standby.SYNCHRONOUS ? "synchronous standby" : "standby") + ") ...");
        LocalSetup setup = new LocalSetup(workDir, TwoRegionPostgres.builder().regions(REGION_A, REGION_B)
                .synchronousReplication(strategy.standby == Strategy.Standby.SYNCHRONOUS).build().start(), settings);
        try {
            if (strategy.standby == Strategy.Standby.NONE) {
                setup.db.nodeB().stop(); // no database in region B: what it will have is restored from region A's backups
                setup.regionBDatabase = FaultProxy.to("region-b-database", setup.db.nodeB().port());
                setup.regionBDatabase.refuse();
                setup.backups = new PostgresBackupService(setup.backupConfig(setup.db.nodeA()));
                out.println("taking region A's base backup (the WAL archive adds a segment at least every 5 s) ...");
                setup.backups.takeBackup();
            }
            setup.ports.put("a", freePort());
            setup.ports.put("b", freePort());
            out.println("starting " + (strategy.regionBAppRuns ? "one app process per region" : "region A's app process (region B's starts at the failover)")
                    + " (logs in " + workDir + ") ...");
            setup.startApp("a", REGION_A);
            if (strategy.regionBAppRuns) {
                setup.startApp("b", REGION_B);
            }
            for (AppProcess app : setup.apps.values()) {
                app.awaitServing(Duration.ofSeconds(90));
            }
            setup.entry = GlobalEntry.start(settings.entryPort(), settings.probe(), List.of(
                    new GlobalEntry.Origin("a", setup.appUri("a"), settings.priorityA(), settings.weightA()),
                    new GlobalEntry.Origin("b", setup.appUri("b"), settings.priorityB(), settings.weightB())));
            return setup;
        } catch (Exception | Error e) {
            setup.close();
            throw e;
        }
    }

    Strategy strategy() {
        return settings.strategy();
    }

    TwoRegionPostgres database() {
        return db;
    }

    URI entryUri() {
        return entry.uri();
    }

    /** Where region {@code name}'s app ("a" or "b") listens, or will once started. */
    URI appUri(String name) {
        Integer port = ports.get(name);
        if (port == null) {
            throw new IllegalArgumentException("no app '" + name + "': the apps are " + ports.keySet());
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    GlobalEntry entry() {
        return entry;
    }

    /**
     * The database endpoints as the apps see them: through each node's fault proxy; for {@code cold}, region B's is the
     * address its restored database will have (refused until then).
     */
    List<AppConfig.DbEndpoint> dbEndpoints() {
        List<AppConfig.DbEndpoint> out = new ArrayList<>();
        for (PgNode n : db.nodes()) {
            String url = n == db.nodeB() && regionBDatabase != null
                    ? "jdbc:postgresql://127.0.0.1:" + regionBDatabase.port() + "/" + n.database() : n.jdbcUrl();
            out.add(new AppConfig.DbEndpoint(n.name(), n.region(), url));
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
        return backupConfig(db.primary());
    }

    private PostgresBackupConfig backupConfig(PgNode source) throws IOException {
        return db.backupConfig(source, Files.createDirectories(workDir.resolve("backup-" + source.name()))).build();
    }

    /**
     * What runs now that costs: app processes, database servers, and the base backups kept (for the report's cost
     * drivers).
     */
    Map<String, Integer> running() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("app instances", (int) apps.values().stream().filter(a -> a.process.isAlive()).count());
        PostgresRestoredDatabase copy = restored;
        m.put("database servers", (int) db.nodes().stream().filter(PgNode::isRunning).count() + (copy != null && copy.isRunning() ? 1 : 0));
        m.put("base backups", backups == null ? 0 : backups.listBackups().size());
        return m;
    }

    /** Region A lost at once: its app process killed (SIGKILL), its database server killed (kill -9). */
    void loseRegionA() {
        app("a").stop(true);
        db.nodeA().kill();
    }

    /** Region B's standby promoted: region B's database takes the writes. */
    void promoteRegionB() {
        db.failover();
    }

    /**
     * Region B's database, restored from region A's newest base backup and the WAL archive up to the newest point the
     * archive holds, reachable from then on at region B's database address; returns the restored copy.
     */
    PostgresRestoredDatabase restoreRegionB(Duration timeout) {
        if (backups == null) {
            throw new IllegalStateException("strategy " + strategy() + " keeps a standby in region B: nothing to restore");
        }
        Instant newest = backups.restoreWindow().latest();
        PostgresRestoredDatabase copy = backups.restore(RestoreRequest.builder().targetName("region-b").pointInTime(newest)
                .timeout(timeout).build());
        restored = copy;
        restoredAt = Instant.now();
        regionBDatabase.retarget(copy.port());
        regionBDatabase.heal();
        return copy;
    }

    /** The base backup a {@code cold} restore starts from; empty for the other strategies. */
    Optional<Backup> baseBackup() {
        if (backups == null) {
            return Optional.empty();
        }
        List<Backup> all = backups.listBackups();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The restored region B database of a {@code cold} failover, once restored. */
    Optional<PostgresRestoredDatabase> restored() {
        return Optional.ofNullable(restored);
    }

    /** When the {@code cold} restore had finished, before anything could write to the copy; empty before. */
    Optional<Instant> restoredAt() {
        return Optional.ofNullable(restoredAt);
    }

    /** Starts region B's app (the scale-up of warm and cold) and returns once it is ready. */
    void startRegionBApp(Duration timeout) throws IOException, InterruptedException {
        if (apps.containsKey("b")) {
            throw new IllegalStateException("region B's app already runs (pid " + apps.get("b").process.pid() + ")");
        }
        startApp("b", REGION_B);
        apps.get("b").awaitServing(timeout);
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

    /** Whether region {@code name}'s app process runs (false when it was never started). */
    boolean appAlive(String name) {
        AppProcess app = apps.get(name);
        return app != null && app.process.isAlive();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("strategy:       ").append(strategy()).append(" (").append(strategy().description).append(")\n");
        sb.append("global entry:   ").append(entry.uri()).append("  (Front Door-style probes and routing: ").append(entry.describe()).append(")\n");
        for (String name : ports.keySet()) {
            AppProcess app = apps.get(name);
            sb.append("app ").append(name).append(" (").append(name.equals("a") ? REGION_A : REGION_B).append("): ").append(appUri(name));
            sb.append(app == null ? "  not running (started at the failover)"
                    : "  pid " + app.process.pid() + ", log " + app.log).append('\n');
        }
        List<AppConfig.DbEndpoint> endpoints = dbEndpoints();
        for (int i = 0; i < db.nodes().size(); i++) {
            PgNode n = db.nodes().get(i);
            boolean planned = n == db.nodeB() && regionBDatabase != null;
            sb.append("database ").append(n.name()).append(" (").append(n.region()).append(", ")
                    .append(planned ? (restored == null ? "none yet: restored from region A's backups at the failover" : "restored, PRIMARY")
                            : n.role())
                    .append("): ").append(endpoints.get(i).jdbcUrl()).append("  user ").append(n.user()).append('\n');
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

    private void startApp(String name, String region) throws IOException {
        int port = ports.get(name);
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
        if (restored != null) {
            restored.drop();
        }
        if (regionBDatabase != null) {
            regionBDatabase.close();
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
