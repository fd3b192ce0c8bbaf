package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.hadr4j.core.backup.BackupException;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.datasource.TdsServer;
import io.hadr4j.core.datasource.TdsServer.Column;
import io.hadr4j.core.datasource.TdsServer.Result;
import io.hadr4j.core.drill.DrillOutcome;
import io.hadr4j.core.health.HealthResult;
import io.hadr4j.core.health.HealthServlet;

/**
 * Issue 10, item 3: a password ({@code password=}), a SQL Server style password ({@code ;password=...;}), a URL's
 * {@code user:pass@} and an access token (a JWT) are fed through every path outside the router that can quote a
 * driver's message or a URL, and none of them shows in any output: the health servlet's JSON for admitted and other
 * callers, {@code /} and {@code /api/info} for admitted and other callers, the app's startup errors, the toString of
 * config objects, and the messages of restore requests and restore failures.
 *
 * <p>The database is the scripted TDS server: its server errors carry the secrets, as a driver's message that quotes a
 * connection string would.
 */
class NoSecretLeaksTest {
    static final String PASSWORD = "hunter2pw";
    static final String SQLSERVER_PASSWORD = "sqlsrv9pw";
    static final String USER_INFO_PASSWORD = "uipass77";
    static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl";
    /** What must never be in an output: each secret, and pieces of the token. */
    static final List<String> SECRETS = List.of(PASSWORD, SQLSERVER_PASSWORD, USER_INFO_PASSWORD, "eyJzdWIi", "eyJhbGci", "c2lnbmF0dXJl");
    /** A message as a driver or a cloud SDK might write it, carrying every form at once. */
    static final String MESSAGE = "cannot reach jdbc:postgresql://db/app?user=app&password=" + PASSWORD
            + " nor jdbc:sqlserver://h:1433;user=app;password=" + SQLSERVER_PASSWORD + ";encrypt=true nor postgresql://app:"
            + USER_INFO_PASSWORD + "@db.example.com/app; token " + JWT;
    static final String DETAILS_TOKEN = "details-token-for-this-test";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<String> outputs = new ArrayList<>();

    /** Records {@code output} (so that the test can say it looked) and fails if it carries a secret. */
    private String noSecret(String where, String output) {
        for (String s : SECRETS) {
            assertFalse(output.contains(s), where + " shows '" + s + "': " + output);
        }
        outputs.add(where);
        return output;
    }

    @Test
    void theAppsPagesAndHealthShowNoSecretToAnyCaller() throws Exception {
        // the log lines too: slf4j-simple writes to System.err as it is at each line
        PrintStream savedErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                savedErr.write(b);
                log.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                savedErr.write(b, off, len);
                log.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        try {
            pagesAndHealth();
        } finally {
            System.setErr(savedErr);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("PRIMARY -> DOWN"), "the log was captured: " + logged);
        noSecret("the log", logged);
    }

    private void pagesAndHealth() throws Exception {
        try (TdsServer db = new TdsServer()) {
            // the app's statements fail with a server error quoting every secret
            db.answerWithError("MERGE hadr4j_visits", 50000, MESSAGE);
            db.answerWithError("SELECT (SELECT visits", 50000, MESSAGE);
            AppConfig config = AppConfig.from(Options.parse(List.of("--region", "r", "--port", "0", "--health-interval", "200ms",
                    "--router-probe-interval", "200ms", "--db", "a,r," + db.url()), Map.of("HADR_DB_USER", "app", "HADR_DB_PASSWORD", PASSWORD)::get));
            noSecret("AppConfig.toString()", config.toString());
            try (AppServer app = AppServer.start(config, oci -> oci, HealthServlet.bearerToken(DETAILS_TOKEN))) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + app.port();

                for (String path : List.of("/", "/api/info")) {
                    HttpResponse<String> admitted = get(http, base + path, true);
                    assertEquals(503, admitted.statusCode(), admitted.body());
                    noSecret("admitted " + path, admitted.body());
                    assertTrue(admitted.body().contains("write failed") && admitted.body().contains("cannot reach"),
                            "an admitted caller sees the driver's message, masked: " + admitted.body());
                    assertTrue(admitted.body().contains("******"), admitted.body());

                    HttpResponse<String> other = get(http, base + path, false);
                    assertEquals(503, other.statusCode(), other.body());
                    noSecret("not admitted " + path, other.body());
                    assertFalse(other.body().contains("cannot reach"), "a caller the health servlet does not admit sees no driver message: "
                            + other.body());
                    assertTrue(other.body().contains("write failed") && other.body().contains("admitted to health details"), other.body());
                }

                // now the router's probes fail with the same message: it reaches the readiness check's data
                db.answerWithError("Updateability", 50000, MESSAGE);
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                HttpResponse<String> health;
                do {
                    health = get(http, base + "/health", true);
                    if (System.nanoTime() > deadline) throw new AssertionError("the probe error never reached /health: " + health.body());
                    Thread.sleep(50);
                } while (!(health.statusCode() == 503 && health.body().contains("endpoint.a.error")));
                assertTrue(health.body().contains("cannot reach"), "admitted: the probe's error, masked: " + health.body());
                for (String path : List.of("/health", "/health/ready", "/health/live", "/health/started", "/api/health", "/api/health/ready")) {
                    noSecret("admitted " + path, get(http, base + path, true).body());
                    String other = noSecret("not admitted " + path, get(http, base + path, false).body());
                    assertFalse(other.contains("\"data\""), "status only for callers not admitted: " + other);
                }
                HttpResponse<String> noPrimary = get(http, base + "/api/info", true);
                noSecret("admitted /api/info without a primary", noPrimary.body());
            }
        }
        assertEquals(18, outputs.size(), "every output was looked at: " + outputs);
    }

    @Test
    void startupErrorsShowNoSecret() throws Exception {
        Function<String, String> env = Map.of("HADR_DB_PASSWORD", PASSWORD)::get;
        for (String url : List.of("jdbc:postgresql://h/app?password=" + PASSWORD,
                "jdbc:sqlserver://h:1433;databaseName=app;password=" + SQLSERVER_PASSWORD + ";encrypt=true",
                "jdbc:postgresql://app:" + USER_INFO_PASSWORD + "@h/app",
                "jdbc:sqlserver://h:1433;databaseName=app;accessToken=" + JWT)) {
            Run r = run(env, null, "serve", "--region", "r", "--db", "a,r," + url);
            assertEquals(Main.USAGE, r.code, r.err);
            assertTrue(r.err.contains("carries a secret"), r.err);
            noSecret("serve --db " + url.substring(0, 20) + "...", r.out + r.err);
        }
        try (TdsServer db = new TdsServer()) {
            db.failLogin(18456, "Login failed for user 'app': " + MESSAGE);
            Run r = run(env, null, "serve", "--region", "r", "--port", "0", "--db", "a,r," + db.url());
            assertEquals(Main.USAGE, r.code, r.err);
            assertTrue(r.err.contains("no database endpoint answers") && r.err.contains("Login failed"), r.err);
            noSecret("serve with a login error", r.out + r.err);
        }
        Run flag = run(env, null, "serve", "--region", "r", "--front-door-id", MESSAGE, "--db", "a,r,jdbc:postgresql://h/app");
        assertEquals(Main.USAGE, flag.code, flag.err);
        noSecret("a bad flag value", flag.out + flag.err);

        Main.LocalCommands failing = new Main.LocalCommands() {
            @Override
            public String usage() {
                return "";
            }

            @Override
            public int local(Options o, PrintStream out) {
                throw new IllegalStateException(MESSAGE);
            }

            @Override
            public DrillOutcome drill(Options o, DrillCommand.Settings settings, PrintStream out) {
                throw new IllegalStateException(MESSAGE);
            }
        };
        Run crash = run(env, failing, "local");
        assertEquals(Main.FAILED, crash.code, crash.err);
        assertTrue(crash.err.contains("local failed: java.lang.IllegalStateException: cannot reach"), crash.err);
        noSecret("a command's failure", crash.out + crash.err);
    }

    @Test
    void configObjectsAndRestoreMessagesShowNoSecret() {
        noSecret("RouterConfig.toString()", RouterConfig.custom().name("orders " + MESSAGE).localRegion(MESSAGE).build().toString());
        noSecret("Endpoint.toString()", Endpoint.of("a " + MESSAGE, MESSAGE, new org.postgresql.ds.PGSimpleDataSource()).toString());
        noSecret("Endpoint.of refusal", assertThrows(IllegalArgumentException.class,
                () -> Endpoint.of("a " + MESSAGE, " ", new org.postgresql.ds.PGSimpleDataSource())).getMessage());
        noSecret("AppConfig.Secret", new AppConfig.Secret(PASSWORD).toString());
        noSecret("RestoreRequest targetName refusal", assertThrows(IllegalArgumentException.class,
                () -> RestoreRequest.builder().targetName(MESSAGE).pointInTime(java.time.Instant.now()).build()).getMessage());
        noSecret("RestoreRequest logPosition refusal", assertThrows(IllegalArgumentException.class,
                () -> RestoreRequest.builder().targetName("ok").logPosition(MESSAGE).build()).getMessage());
        BackupException failed = new BackupException("restore of orders-1 failed: " + MESSAGE, new RuntimeException());
        noSecret("BackupException message", failed.getMessage());
        noSecret("BackupException toString", failed.toString());
        noSecret("BackupException without cause", new BackupException(MESSAGE).getMessage());
        noSecret("HealthResult of an exception", HealthResult.down(new IllegalStateException(MESSAGE)).toString());
        noSecret("HealthResult data", HealthResult.up().withData("url", MESSAGE).withData(MESSAGE, 1).toString().replace(MESSAGE, "key"));
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Function<String, String> env, Main.LocalCommands local, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, local);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(HttpClient http, String url, boolean admitted) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(PATIENCE);
        if (admitted) request.header("Authorization", "Bearer " + DETAILS_TOKEN);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
