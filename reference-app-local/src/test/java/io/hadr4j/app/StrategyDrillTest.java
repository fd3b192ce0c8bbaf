package io.hadr4j.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr4j.core.datasource.Role;
import io.hadr4j.core.drill.DrillComparison;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Layer;
import io.hadr4j.core.drill.WriteTable;
import io.hadr4j.postgres.PostgresRestoredDatabase;
import io.hadr4j.testkit.TwoRegionPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code drill --compare} end to end, with short timings: the region-loss drill of each of the four strategies on a
 * fresh local setup, one report for all four. An observer looks at each live setup before its drill (what runs, and
 * for active-active the traffic split through the entry) and after it (the entry serves from region B; for cold, what
 * the restored database holds), and each strategy's test below checks what it saw and what the report says. The four
 * drills run once, for the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrategyDrillTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final int SPLIT_REQUESTS = 300;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<Strategy, Seen> seen = new ConcurrentHashMap<>();
    private Path dir;
    private int exitCode;
    private String output;
    private JsonNode comparison;

    /** What the observer saw of one strategy's live setup. */
    private static final class Seen {
        Map<String, Integer> runningBefore;
        Map<String, Integer> split; // origin -> requests, active-active only
        int afterStatus;
        String afterOrigin;
        String afterRegion;
        boolean appAAlive;
        boolean appBAlive;
        Role nodeB;
        // cold only
        String replayLsn;
        long newestSegmentStart;
        long segmentBytes;
        Instant newestRestoredWrite;
        Instant restoredAt;
        PostgresRestoredDatabase restored;
        DrillReport report;
    }

    @BeforeAll
    void runTheComparison(@TempDir Path dir) throws Exception {
        this.dir = dir;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        // Probes every 300 ms; an origin is unhealthy after 3 failed probes of 4, each allowed 2 s, and origins of equal
        // priority share whatever their latency: a slow probe on a busy machine cannot move traffic while the split is counted.
        exitCode = LocalMain.run(new String[] {"drill", "--compare", "--out", dir.toString(), "--port", "0",
                "--probe-interval", "300ms", "--probe-timeout", "2s", "--sample-size", "4", "--successful-samples", "2",
                "--latency-sensitivity", "2s", "--health-interval", "500ms", "--router-probe-interval", "500ms",
                "--request-interval", "50ms", "--request-timeout", "1s", "--settle", "2s", "--step-timeout", "90s"},
                print, print, System::getenv, new Observer());
        output = out.toString(StandardCharsets.UTF_8);
        assertEquals(Main.OK, exitCode, output);
        comparison = JSON.readTree(dir.resolve(DrillComparison.JSON_FILE).toFile());
    }

    private final class Observer implements StrategyDrill.Observer {
        @Override
        public void ready(Strategy strategy, LocalSetup setup) throws Exception {
            Seen s = new Seen();
            s.runningBefore = setup.running();
            if (strategy == Strategy.ACTIVE_ACTIVE) {
                s.split = new TreeMap<>();
                for (int i = 0; i < SPLIT_REQUESTS; i++) {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(setup.entryUri().resolve("/health/live"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    assertEquals(200, r.statusCode());
                    s.split.merge(r.headers().firstValue(GlobalEntry.ORIGIN_HEADER).orElseThrow(), 1, Integer::sum);
                }
                assertEquals(List.of("a", "b"), setup.entry().sharing(), "both origins shared until the end: " + setup.entry().describe());
            }
            seen.put(strategy, s);
        }

        @Override
        public void done(Strategy strategy, LocalSetup setup, DrillReport report) throws Exception {
            Seen s = seen.get(strategy);
            s.report = report;
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(setup.entryUri().resolve("/api/info"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            s.afterStatus = after.statusCode();
            s.afterOrigin = after.headers().firstValue(GlobalEntry.ORIGIN_HEADER).orElse("?");
            s.afterRegion = after.statusCode() == 200 ? JSON.readTree(after.body()).get("region").asText() : after.body();
            s.appAAlive = setup.appAlive("a");
            s.appBAlive = setup.appAlive("b");
            s.nodeB = setup.database().nodeB().role();
            if (strategy == Strategy.COLD) {
                PostgresRestoredDatabase copy = setup.restored().orElseThrow();
                s.restored = copy;
                s.restoredAt = setup.restoredAt().orElseThrow();
                try (Connection c = copy.connect(); Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT pg_last_wal_replay_lsn()::text, "
                            + "(SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size')")) {
                        rs.next();
                        s.replayLsn = rs.getString(1);
                        s.segmentBytes = rs.getLong(2);
                    }
                    try (PreparedStatement ps = c.prepareStatement("SELECT max(acked_at) FROM " + WriteTable.NAME + " WHERE acked_at < ?")) {
                        ps.setTimestamp(1, Timestamp.from(s.restoredAt));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            s.newestRestoredWrite = rs.getTimestamp(1).toInstant();
                        }
                    }
                }
                s.newestSegmentStart = newestSegmentStart(setup.database().walArchive(), s.segmentBytes);
            }
        }
    }

    /** The start LSN of the newest WAL segment in the archive (names: timeline, log, segment, in hex). */
    private static long newestSegmentStart(Path archive, long segmentBytes) throws IOException {
        long newest = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(archive)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (SEGMENT.matcher(name).matches()) {
                    long segno = Long.parseLong(name.substring(8, 16), 16) * (0x1_0000_0000L / segmentBytes) + Long.parseLong(name.substring(16), 16);
                    newest = Math.max(newest, segno);
                }
            }
        }
        assertTrue(newest >= 0, "the archive holds segments");
        return newest * segmentBytes;
    }

    private static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private JsonNode run(Strategy s) {
        for (JsonNode r : comparison.get("runs")) {
            if (r.get("name").asText().equals(s.id)) {
                return r;
            }
        }
        throw new AssertionError("no run " + s + " in " + comparison.toPrettyString());
    }

    /** What every strategy's drill must show: the entry serves from region B afterwards, and the figures are measured. */
    private JsonNode checkRegionLoss(Strategy strategy, int apps, int databases, int backups) {
        Seen s = seen.get(strategy);
        assertNotNull(s, "the observer saw " + strategy + ": " + output);
        assertEquals(Map.of("app instances", apps, "database servers", databases, "base backups", backups), s.runningBefore,
                strategy + ": what ran before the disaster");
        assertEquals(200, s.afterStatus, strategy + ": the entry serves after the drill: " + s.afterRegion);
        assertEquals("b", s.afterOrigin, strategy + ": from region B's origin");
        assertEquals(LocalSetup.REGION_B, s.afterRegion);
        assertFalse(s.appAAlive, strategy + ": region A's app is gone");
        assertTrue(s.appBAlive, strategy + ": region B's app runs");

        JsonNode run = run(strategy);
        assertEquals(strategy.description, run.get("description").asText());
        assertEquals(apps, run.get("runningBefore").get("app instances").asInt(), run.toString());
        JsonNode m = run.get("measured");
        assertEquals(StrategyDrill.STEP, m.get("step").asText());
        assertTrue(m.get("ran").asBoolean() && m.get("passed").asBoolean(), strategy + ": " + m);
        for (String layer : List.of(Layer.ENTRY.id(), Layer.DB_WRITE.id())) {
            assertTrue(m.get("rtoMillis").get(layer).isIntegralNumber(), strategy + " " + layer + ": " + m);
            assertTrue(m.get("failed").get(layer).isIntegralNumber(), strategy + " " + layer + ": " + m);
        }
        // Region A's app is gone: the entry fails requests at least until its probes say so.
        assertTrue(m.get("rtoMillis").get(Layer.ENTRY.id()).asLong() > 0, strategy + ": the entry fails for a while: " + m);
        // Region A's database is gone: writes fail, or stall past the 1 s timeout, at least until the DataSource finds a
        // new primary (its pool gives up on the dead one after 2 s, unless a write's connection breaks at once).
        assertTrue(m.get("rtoMillis").get(Layer.DB_WRITE.id()).asLong() > 0, strategy + ": writes fail for a while: " + m);
        assertTrue(m.get("rpoLostWrites").isIntegralNumber() && m.get("rpoLostWrites").asInt() >= 0, m.toString());
        assertEquals(s.report.steps().get(0).rpoLostWrites(), m.get("rpoLostWrites").asInt());
        assertTrue(run.get("drill").get("timeline").size() > 0, "each run carries its drill's timeline");
        return run;
    }

    @Test
    void activeActiveSplitsTrafficByWeightAndLosesNoAcknowledgedWrite() {
        JsonNode run = checkRegionLoss(Strategy.ACTIVE_ACTIVE, 2, 2, 0);
        // Weights 1000 and 1000, a deterministic weighted round robin: each origin within one request of half.
        Map<String, Integer> split = seen.get(Strategy.ACTIVE_ACTIVE).split;
        assertEquals(SPLIT_REQUESTS, split.values().stream().mapToInt(Integer::intValue).sum(), split.toString());
        GlobalEntryTest.assertWithinOneOfShare(split.getOrDefault("a", 0), SPLIT_REQUESTS, 1000, 2000);
        GlobalEntryTest.assertWithinOneOfShare(split.getOrDefault("b", 0), SPLIT_REQUESTS, 1000, 2000);
        assertEquals(0, run.get("measured").get("rpoLostWrites").asInt(), "synchronous replication: nothing acknowledged is lost: " + run);
        assertEquals(Role.PRIMARY, seen.get(Strategy.ACTIVE_ACTIVE).nodeB);
        assertEquals("near zero", run.get("expected").get("rto").asText());
    }

    @Test
    void activePassiveFailsOverToTheRunningRegionB() {
        JsonNode run = checkRegionLoss(Strategy.ACTIVE_PASSIVE, 2, 2, 0);
        assertEquals(Role.PRIMARY, seen.get(Strategy.ACTIVE_PASSIVE).nodeB);
        assertTrue(run.get("details").get("promotion").asText().startsWith("region B's standby promoted in "), run.toString());
        assertEquals("minutes", run.get("expected").get("rto").asText());
    }

    @Test
    void warmStandbyStartsRegionBsAppAtTheFailoverAndItsStartIsInTheRto() {
        JsonNode run = checkRegionLoss(Strategy.WARM, 1, 2, 0);
        assertEquals(Role.PRIMARY, seen.get(Strategy.WARM).nodeB);
        assertTrue(run.get("details").get("scale-up").asText().startsWith("region B's app started and ready in "), run.toString());
        // The entry had no healthy origin until region B's app was up: its outage spans the app's start (to within the
        // tenth of a second the detail is rounded to, and the request interval before the first failed request).
        DrillReport.StepResult step = seen.get(Strategy.WARM).report.steps().get(0);
        Matcher took = Pattern.compile("ready in ([0-9.]+) s").matcher(run.get("details").get("scale-up").asText());
        assertTrue(took.find(), run.toString());
        long scaleUpMillis = Math.round(Double.parseDouble(took.group(1)) * 1000);
        assertTrue(scaleUpMillis > 0 && step.rtoMillis().get(Layer.ENTRY) > scaleUpMillis - 200,
                "the entry's RTO includes region B's app start (" + scaleUpMillis + " ms): " + step.summary());
        assertFalse(run.get("expected").has("rto"), "the seed states no RTO for warm: " + run);
    }

    /**
     * Cold: the restored copy replayed the archive into its newest segment, and every write acknowledged up to the newest
     * one it holds is there; the only writes lost were acknowledged after it, in WAL the archive never got.
     */
    @Test
    void coldStandbyRestoresRegionBFromTheBackupAndHoldsEveryArchivedWrite() {
        JsonNode run = checkRegionLoss(Strategy.COLD, 1, 1, 1);
        Seen s = seen.get(Strategy.COLD);
        assertEquals(Role.DOWN, s.nodeB, "no standby server in region B, before or after");
        long replayed = lsn(s.replayLsn);
        assertTrue(replayed >= s.newestSegmentStart && replayed <= s.newestSegmentStart + s.segmentBytes,
                "the copy replayed into the newest archived segment: replayed to " + s.replayLsn + ", newest segment starts at "
                        + Long.toHexString(s.newestSegmentStart));
        DrillReport.StepResult step = s.report.steps().get(0);
        if (step.rpoLostWrites() > 0) {
            Instant firstLost = Instant.parse(s.report.startedAt()).plusMillis(step.rpoFromMillis());
            assertTrue(firstLost.isAfter(s.newestRestoredWrite), "every write acknowledged up to the newest restored one ("
                    + s.newestRestoredWrite + ") is in the copy; the first lost one was acknowledged at " + firstLost + ": " + step.summary());
        } else {
            assertEquals(null, step.rpoFromMillis());
        }
        assertTrue(s.newestRestoredWrite.isBefore(s.restoredAt));
        assertTrue(run.get("details").get("restore").asText().startsWith("region B's database restored in "), run.toString());
        assertEquals("hours", run.get("expected").get("rto").asText());
        assertFalse(s.restored.isRunning(), "closing the setup stopped the restored server");
        assertEquals(List.of(), TwoRegionPostgres.runningServerPids(), "and the testkit's");
    }

    @Test
    void oneReportComparesTheFourAndChromiumDrawsThemSideBySide() throws Exception {
        assertEquals(Strategy.all().stream().map(s -> s.id).toList(),
                List.of(comparison.get("runs").get(0).get("name").asText(), comparison.get("runs").get(1).get("name").asText(),
                        comparison.get("runs").get(2).get("name").asText(), comparison.get("runs").get(3).get("name").asText()));
        assertTrue(comparison.get("passed").asBoolean(), comparison.toPrettyString());
        assertTrue(output.contains("report: " + dir.resolve(DrillComparison.JSON_FILE)), output);
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: /usr/bin/chromium is absent (install it with: apt-get install -y chromium)");
        String dom = dumpDom(dir.resolve(DrillComparison.HTML_FILE), dir.resolve("chromium-profile"));
        assertTrue(dom.contains("data-rendered=\"true\""), "the page's script ran to the end");
        assertEquals(4, count(dom, "class=\"run-row\""), "one table row per strategy");
        for (Strategy s : Strategy.all()) {
            assertTrue(count(dom, "class=\"bar\" data-run=\"" + s.id + "\" data-series=\"rto-") == 2, s + ": two RTO bars");
            assertTrue(count(dom, "class=\"tbar ok\" data-run=\"" + s.id + "\"") > 0, s + ": its outcomes around the disaster");
        }
        assertTrue(count(dom, "class=\"tbar failed\"") > 0, "the failures are drawn");
    }

    static String dumpDom(Path html, Path profile) throws Exception {
        Path out = Files.createTempFile(profile.getParent(), "dom-", ".html");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile, "--dump-dom", html.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish within 90 s");
        }
        assertEquals(0, p.exitValue(), "chromium's exit code");
        return Files.readString(out);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
