package io.hadr4j.app;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to every command fails fast with a message that says what to change, and exit code 2. */
class MainTest {
    private static final String SECRET = "s3cr3t-never-printed";

    private record Result(int code, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LocalMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(r.out.contains(SECRET) || r.err.contains(SECRET), "a secret was printed: " + r);
        return r;
    }

    private static Result run(String... args) {
        return run(Map.of("HADR_DB_PASSWORD", SECRET), args);
    }

    @Test
    void noCommandAndUnknownCommandPrintUsage() {
        Result none = run();
        assertEquals(Main.USAGE, none.code);
        assertTrue(none.err.contains("no command given") && none.err.contains("usage:"), none.err);

        Result unknown = run("deploy");
        assertEquals(Main.USAGE, unknown.code);
        assertTrue(unknown.err.contains("unknown command 'deploy': use local, drill, serve or help"), unknown.err);

        Result help = run("help");
        assertEquals(Main.OK, help.code);
        assertTrue(help.out.contains("--probe-interval") && help.out.contains("--rto-objective"), help.out);
    }

    @Test
    void badPortIsRejectedByEveryCommand() {
        Result serve = run("serve", "--region", "r", "--port", "70000", "--db", "a,r,jdbc:postgresql://127.0.0.1:5432/app");
        assertEquals(Main.USAGE, serve.code);
        assertTrue(serve.err.contains("--port must be a TCP port from 1 to 65535"), serve.err);

        Result local = run("local", "--port", "http");
        assertEquals(Main.USAGE, local.code);
        assertTrue(local.err.contains("--port must be a whole number, got 'http'"), local.err);

        Result drill = run("drill", "--port", "-1");
        assertEquals(Main.USAGE, drill.code);
        assertTrue(drill.err.contains("--port must be a TCP port"), drill.err);

        Result azure = run(Map.of("PORT", "eighty", "HADR_DB_PASSWORD", SECRET), "serve", "--region", "r",
                "--db", "a,r,jdbc:postgresql://127.0.0.1:5432/app");
        assertEquals(Main.USAGE, azure.code);
        assertTrue(azure.err.contains("--port must be a whole number, got 'eighty'"), azure.err);
    }

    @Test
    void aPortInUseSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Options.ConfigException e = assertThrows(Options.ConfigException.class,
                    () -> GlobalEntry.start(taken.getLocalPort(), new GlobalEntry.ProbeSettings("/health", "HEAD",
                            Duration.ofSeconds(1), 4, 3, Duration.ofMillis(500)), List.of(
                            new GlobalEntry.Origin("a", URI.create("http://127.0.0.1:1"), 1, 1000))));
            assertTrue(e.getMessage().contains("cannot listen on port " + taken.getLocalPort()) && e.getMessage().contains("pass --port"), e.getMessage());
        }
    }

    @Test
    void unreachableJdbcUrlStopsServeAndDrillAtStartup() {
        Result serve = run("serve", "--region", "r", "--port", "0", "--db", "a,r,jdbc:postgresql://127.0.0.1:1/app");
        assertEquals(Main.USAGE, serve.code);
        assertTrue(serve.err.contains("no database endpoint answers: a (jdbc:postgresql://127.0.0.1:1/app)"), serve.err);
        assertTrue(serve.err.contains("Check the --db URLs"), serve.err);

        Result drill = run("drill", "--entry", "http://127.0.0.1:1", "--db", "a,r,jdbc:postgresql://127.0.0.1:1/app");
        assertEquals(Main.USAGE, drill.code);
        assertTrue(drill.err.contains("no database endpoint answers"), drill.err);
    }

    @Test
    void otherBadConfigurationSaysWhatToChange() {
        Result noRegion = run("serve", "--db", "a,r,jdbc:postgresql://127.0.0.1:1/app");
        assertTrue(noRegion.code == Main.USAGE && noRegion.err.contains("pass --region NAME or set HADR_REGION"), noRegion.err);

        Result noDb = run("serve", "--region", "r");
        assertTrue(noDb.code == Main.USAGE && noDb.err.contains("no database endpoint: pass --db NAME,REGION,JDBC_URL"), noDb.err);

        Result badDb = run("serve", "--region", "r", "--db", "jdbc:postgresql://x/app");
        assertTrue(badDb.code == Main.USAGE && badDb.err.contains("--db must be NAME,REGION,JDBC_URL"), badDb.err);

        Result passwordInUrl = run("serve", "--region", "r", "--db", "a,r,jdbc:postgresql://x/app?password=" + SECRET);
        assertTrue(passwordInUrl.code == Main.USAGE && passwordInUrl.err.contains("carries a secret") && passwordInUrl.err.contains("set HADR_DB_PASSWORD"),
                passwordInUrl.err);

        Result passwordFlag = run("serve", "--region", "r", "--db-password", SECRET, "--db", "a,r,jdbc:postgresql://x/app");
        assertTrue(passwordFlag.code == Main.USAGE && passwordFlag.err.contains("passwords are not accepted as flags"), passwordFlag.err);

        Result mysql = run("serve", "--region", "r", "--db", "a,r,jdbc:mysql://x/app");
        assertTrue(mysql.code == Main.USAGE && mysql.err.contains("must start with jdbc:postgresql:// or jdbc:sqlserver://"), mysql.err);

        Result mixed = run("serve", "--region", "r", "--db", "a,r,jdbc:postgresql://x/app", "--db", "b,s,jdbc:sqlserver://y:1433;databaseName=app");
        assertTrue(mixed.code == Main.USAGE && mixed.err.contains("mix PostgreSQL and SQL Server"), mixed.err);

        Result sameName = run("serve", "--region", "r", "--db", "a,r,jdbc:postgresql://x/app", "--db", "a,s,jdbc:postgresql://y/app");
        assertTrue(sameName.code == Main.USAGE && sameName.err.contains("two database endpoints are named 'a'"), sameName.err);

        Result typo = run("local", "--probe-intervall", "2s");
        assertTrue(typo.code == Main.USAGE && typo.err.contains("unknown flag --probe-intervall for 'local'"), typo.err);

        Result duration = run("drill", "--settle", "5 seconds");
        assertTrue(duration.code == Main.USAGE && duration.err.contains("--settle must be a duration such as 500ms"), duration.err);

        Result samples = run("local", "--sample-size", "2", "--successful-samples", "3");
        assertTrue(samples.code == Main.USAGE && samples.err.contains("cannot be more than --sample-size"), samples.err);

        Result priority = run("local", "--priority-b", "9");
        assertTrue(priority.code == Main.USAGE && priority.err.contains("--priority-b must be from 1 (tried first) to 5"), priority.err);

        Result entry = run("drill", "--entry", "ftp://x", "--db", "a,r,jdbc:postgresql://127.0.0.1:1/app");
        assertTrue(entry.code == Main.USAGE && entry.err.contains("--entry must be an http(s) URL"), entry.err);
    }

    /** Strategies, weights and their combinations: refused before anything starts, saying what to change. */
    @Test
    void badStrategyInputSaysWhatToChange() {
        String db = "a,r,jdbc:postgresql://127.0.0.1:1/app";
        assertUsage(run("local", "--strategy", "hot"), "unknown strategy 'hot' for --strategy: use one of active-active, active-passive, warm, cold");
        assertUsage(run("drill", "--strategy", "Warm-Standby"), "unknown strategy 'Warm-Standby' for --strategy");
        assertUsage(run("local", "--weight-a", "0"), "--weight-a must be from 1 to 1000, as Front Door's origin weight");
        assertUsage(run("drill", "--strategy", "active-active", "--weight-b", "1001"), "--weight-b must be from 1 to 1000");
        assertUsage(run("local", "--weight-b", "half"), "--weight-b must be a whole number from 1 to 1000");
        assertUsage(run("serve", "--strategy", "warm", "--region", "r", "--db", db),
                "--strategy is for 'local' and 'drill'", "'serve' runs one instance, the same in every strategy: leave --strategy out");
        assertUsage(run("drill", "--compare", "--strategy", "warm"), "give drill --strategy S (the region loss of one strategy) or drill --compare (all four), not both");
        assertUsage(run("drill", "--compare", "--priority-b", "2"), "drill --compare gives each strategy its own priorities");
        assertUsage(run("local", "--strategy", "active-active", "--priority-b", "2"),
                "--strategy active-active shares traffic between origins of equal priority: give --priority-a and --priority-b the same value");
        assertUsage(run("local", "--strategy", "warm", "--priority-a", "2", "--priority-b", "2"),
                "--strategy warm sends all traffic to region A while it is healthy: --priority-a must be lower", "equal priorities are --strategy active-active");
        assertUsage(run("local", "--priority-a", "3"), "--strategy active-passive sends all traffic to region A while it is healthy");
        assertUsage(run("drill", "--entry", "http://127.0.0.1:1", "--db", db, "--strategy", "cold"), "--strategy and --compare set up local drills");
        assertUsage(run("drill", "--entry", "http://127.0.0.1:1", "--db", db, "--compare"), "leave them out with --entry");
        assertUsage(run("local", "--latency-sensitivity", "-5ms"), "--latency-sensitivity must be a duration such as 500ms");

        Result help = run("help");
        assertTrue(help.out.contains("--strategy S") && help.out.contains("drill --compare") && help.out.contains("--weight-a N"), help.out);
    }

    private static void assertUsage(Result r, String... messages) {
        assertEquals(Main.USAGE, r.code, r.err);
        for (String m : messages) {
            assertTrue(r.err.contains(m), "expected '" + m + "' in: " + r.err);
        }
    }

    @Test
    void endpointsComeFromTheEnvironmentSeparatedBySpaces() {
        // SQL Server URLs contain ';', so entries are separated by whitespace.
        AppConfig config = AppConfig.from(Options.parse(List.of(), Map.of("HADR_REGION", "centralindia", "PORT", "8181",
                "HADR_DB", "a,centralindia,jdbc:sqlserver://a.example:1433;databaseName=app;encrypt=true\n  b,southindia,jdbc:sqlserver://b.example:1433;databaseName=app")::get));
        assertEquals(8181, config.port());
        assertEquals(2, config.endpoints().size());
        assertEquals("jdbc:sqlserver://a.example:1433;databaseName=app;encrypt=true", config.endpoints().get(0).jdbcUrl());
        assertEquals("southindia", config.endpoints().get(1).region());
        assertEquals(AppSql.SQLSERVER, AppSql.of(config.endpoints()));
    }

    @Test
    void secretsNeverShowInToString() {
        AppConfig.Secret s = new AppConfig.Secret(SECRET);
        assertEquals("******", s.toString());
        AppConfig config = AppConfig.from(Options.parse(List.of("--region", "r", "--db", "a,r,jdbc:postgresql://x/app"),
                Map.of("HADR_DB_PASSWORD", SECRET)::get));
        assertFalse(config.toString().contains(SECRET), config.toString());
    }
}
