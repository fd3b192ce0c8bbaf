package io.hadr4j.core.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drill engine end to end without a database: requests through a local HTTP "entry" that a fault makes fail for a
 * given number of requests (so the outage is a count, not a time), and the report it writes.
 */
class DrillEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer entry;
    /** How many of the next requests the entry answers with 503. */
    private final AtomicInteger failNext = new AtomicInteger();
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void startEntry() throws Exception {
        entry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        entry.createContext("/", exchange -> {
            int status = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        entry.start();
    }

    @AfterEach
    void stopEntry() {
        entry.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + entry.getAddress().getPort() + "/api/info");
    }

    private Workload requests() {
        return Workload.requests(url()).timing(Duration.ofMillis(10), Duration.ofSeconds(2));
    }

    /**
     * A fault that makes the entry fail its next {@code n} requests, and returns once the first has failed (so that a
     * step cannot end, steady, before a starved workload thread got to them).
     */
    private Fault entryFailsFor(int n) {
        return new Fault() {
            @Override
            public String describe() {
                return "the entry fails its next " + n + " requests";
            }

            @Override
            public void inject() throws InterruptedException {
                failNext.set(n);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (failNext.get() == n && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
        };
    }

    private Drill.Builder drill() {
        return Drill.custom().workload(requests()).settle(Duration.ofMillis(200)).stepTimeout(Duration.ofSeconds(30))
                .progress(progress::add);
    }

    @Test
    void measuresEachStepAndWritesTheReport(@TempDir Path dir) throws Exception {
        Fault broken = new Fault() {
            @Override
            public String describe() {
                return "a fault whose platform refuses it";
            }

            @Override
            public void inject() {
                throw new IllegalStateException("refused: token=abc.def.ghi password=hunter2");
            }
        };
        DrillReport report = drill()
                .step(Step.inject("entry outage", entryFailsFor(15)))
                .step(Step.inject("no command", ShellCommandFault.of("stop region A", null)))
                .step(Step.inject("refused", broken))
                .objectives(Objectives.of(Duration.ofMinutes(1), Duration.ZERO))
                .build().run();

        assertEquals(3, report.steps().size());
        DrillReport.StepResult outage = report.steps().get(0);
        assertTrue(outage.ran() && outage.passed(), outage.summary());
        assertTrue(outage.rtoMillis().get(Layer.ENTRY) > 0, "15 failed requests take time: " + outage.summary());
        assertEquals(List.of(Layer.ENTRY), List.copyOf(outage.rtoMillis().keySet()), "only the layers the workload measures");
        assertEquals(0, outage.rpoLostWrites());
        assertTrue(outage.startMillis() <= outage.endMillis());

        DrillReport.StepResult notRun = report.steps().get(1);
        assertFalse(notRun.ran());
        assertTrue(notRun.note().startsWith("not run: no command given"), notRun.note());
        assertNull(notRun.rtoMillis());

        DrillReport.StepResult refused = report.steps().get(2);
        assertTrue(refused.ran());
        assertFalse(refused.passed(), refused.summary());
        assertTrue(refused.note().startsWith("the fault could not be injected: java.lang.IllegalStateException: refused"), refused.note());
        assertFalse(refused.note().contains("hunter2") || refused.note().contains("abc.def.ghi"), "secrets are masked: " + refused.note());
        assertFalse(report.passed(), "one step that ran failed");

        long failed = report.timeline().stream().filter(b -> b.layer() == Layer.ENTRY).mapToLong(DrillReport.Bucket::failed).sum();
        assertEquals(15, failed, "every failed request is in the timeline");
        assertTrue(progress.contains("step: no command -- " + notRun.note()), progress.toString());

        Path html = report.write(dir);
        JsonNode json = JSON.readTree(dir.resolve(DrillReport.JSON_FILE).toFile());
        assertEquals(url().toString(), json.get("entry").asText());
        assertEquals(60_000, json.get("rtoObjectiveMillis").asLong());
        assertEquals(0.0, json.get("rpoObjectiveSeconds").asDouble());
        assertFalse(json.get("passed").asBoolean());
        JsonNode first = json.get("steps").get(0);
        assertEquals("entry outage", first.get("name").asText());
        assertEquals(outage.rtoMillis().get(Layer.ENTRY), first.get("rtoMillis").get("entry").asLong());
        assertTrue(first.get("rtoMillis").get("db-write") == null);
        assertFalse(json.get("steps").get(1).has("rtoMillis"), "no nulls in the JSON: " + json.get("steps").get(1));
        assertEquals("entry", json.get("timeline").get(0).get("layer").asText());
        String page = Files.readString(html);
        assertTrue(page.contains("\"name\": \"entry outage\""), "the page carries the report");
        assertFalse(page.contains("/*REPORT*/null"));
        assertFalse(page.contains("/*DRILL-PAGE-"), "the shared style and script are in place");
        assertTrue(page.contains("const fmtMs = ") && page.contains(".swatch {"), "the shared style and script are in place");
    }

    /** The first step waits for the warm-up, failure-free (a logical lower bound, not a timing guess). */
    @Test
    void theFirstStepStartsAfterTheWarmUp() throws Exception {
        Drill d = drill().warmUp(Duration.ofMillis(700)).step(Step.inject("entry outage", entryFailsFor(2))).build();
        assertEquals(Duration.ofMillis(700), d.warmUp());
        assertEquals(Duration.ofMillis(200), drill().step(Step.inject("x", entryFailsFor(1))).build().warmUp(), "default: settle");
        DrillReport report = d.run();
        assertTrue(report.steps().get(0).startMillis() >= 700, report.summary());
    }

    @Test
    void aStepThatDoesNotRecoverInTimeFails() throws Exception {
        DrillReport report = drill().stepTimeout(Duration.ofSeconds(1))
                .step(Step.inject("long outage", entryFailsFor(Integer.MAX_VALUE)))
                .build().run();
        DrillReport.StepResult step = report.steps().get(0);
        assertFalse(step.passed(), step.summary());
        assertTrue(step.note().startsWith("did not recover: some layer still failed"), step.note());
        assertTrue(step.rtoMillis().get(Layer.ENTRY) > 0);
    }

    @Test
    void aHealedStepWaitsForTheWorkloadAgain() throws Exception {
        AtomicInteger healed = new AtomicInteger();
        Fault fault = new Fault() {
            @Override
            public String describe() {
                return "outage, healed by another outage";
            }

            @Override
            public void inject() {
                failNext.set(5);
            }

            @Override
            public void heal() {
                healed.incrementAndGet();
                failNext.set(5);
            }
        };
        DrillReport report = drill().step(Step.inject("healed", fault).thenHeal()).build().run();
        assertEquals(1, healed.get());
        assertTrue(report.steps().get(0).passed(), report.summary());
        assertEquals(10, report.timeline().stream().mapToLong(DrillReport.Bucket::failed).sum(), "both outages are in the step");
    }

    @Test
    void aWorkloadThatFailsBeforeTheFirstStepStopsTheDrill() {
        failNext.set(Integer.MAX_VALUE);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> drill().stepTimeout(Duration.ofSeconds(1)).step(Step.inject("never", entryFailsFor(1))).build().run());
        assertTrue(e.getMessage().startsWith("the workload did not run failure-free during warm-up; last operations: [Sample[atMillis="),
                e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void badConfigurationFailsAtBuildSayingWhatToChange() {
        assertMessage("a drill needs a workload", () -> Drill.custom().step(Step.inject("x", entryFailsFor(1))).build());
        assertMessage("a drill needs at least one step", () -> Drill.custom().workload(requests()).build());
        assertMessage("but the workload writes nothing: give it a DataSource",
                () -> Drill.custom().workload(requests()).step(Step.restore("restore", () -> null)).build());
        assertMessage("settle PT30S must be shorter than stepTimeout PT10S",
                () -> drill().settle(Duration.ofSeconds(30)).stepTimeout(Duration.ofSeconds(10)).step(Step.inject("x", entryFailsFor(1))).build());
        assertMessage("warmUp PT1M must be shorter than stepTimeout PT30S",
                () -> drill().warmUp(Duration.ofMinutes(1)).step(Step.inject("x", entryFailsFor(1))).build());
        assertMessage("warmUp must be positive", () -> drill().warmUp(Duration.ofSeconds(-1)).step(Step.inject("x", entryFailsFor(1))).build());
        assertMessage("stepTimeout must be positive", () -> drill().stepTimeout(Duration.ZERO).step(Step.inject("x", entryFailsFor(1))).build());
        assertMessage("step(null)", () -> Drill.custom().step(null));
        assertMessage("a step needs a non-blank name", () -> Step.inject(" ", entryFailsFor(1)));
        assertMessage("needs a fault to inject", () -> Step.inject("x", null));
        assertMessage("needs a source of its backup service", () -> Step.restore("x", null));
        assertMessage("the RTO objective must be positive", () -> Objectives.of(Duration.ZERO, Duration.ZERO));
        assertMessage("the RPO objective must be zero or positive", () -> Objectives.of(Duration.ofMinutes(1), Duration.ofSeconds(-1)));
        assertMessage("a workload needs an entry URL to request, a DataSource to write through, or both", () -> Workload.of(null, null, null));
        assertMessage("the entry needs an http(s) URL with a host", () -> Workload.requests(URI.create("ftp://x/")));
        assertMessage("writes need the table's database: WriteTable.POSTGRESQL or WriteTable.SQLSERVER", () -> Workload.writes(unused(), null));
        assertMessage("interval must be positive", () -> Workload.requests(url()).timing(Duration.ZERO, Duration.ofSeconds(1)));
        assertMessage("requestTimeout must be positive", () -> Workload.requests(url()).timing(Duration.ofSeconds(1), null));
        assertMessage("interval PT2M is over a minute", () -> Workload.requests(url()).timing(Duration.ofMinutes(2), Duration.ofSeconds(1)));
        assertMessage("a shell command fault needs a description", () -> ShellCommandFault.of(" ", "true"));
    }

    /** A DataSource that build() only checks for null; it is never asked for a connection. */
    private static javax.sql.DataSource unused() {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(DrillEngineTest.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say '" + expected + "'");
    }
}
