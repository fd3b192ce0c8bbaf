package io.hadr4j.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr4j.testkit.TwoRegionPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code local} end to end: the two apps run as separate OS processes over the testkit's two-region
 * PostgreSQL; the global entry serves region A, and once region A's app process is killed it serves region
 * B within the probe window.
 */
class LocalFailoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void entryMovesToRegionBWhenRegionAsAppProcessIsKilled() throws Exception {
        ProcessHandle appB;
        GlobalEntry.ProbeSettings probe = new GlobalEntry.ProbeSettings("/health", "HEAD", Duration.ofMillis(300), 4, 3, Duration.ofMillis(500));
        try (LocalSetup setup = LocalSetup.start(LocalSetup.Settings.forTests(probe, Strategy.ACTIVE_PASSIVE),
                new PrintStream(OutputStream.nullOutputStream()))) {
            assertTrue(setup.appAlive("a") && setup.appAlive("b"));
            appB = ProcessHandle.of(setup.appPid("b")).orElseThrow();
            assertNotEquals(ProcessHandle.current().pid(), appB.pid(), "the apps are processes of their own");

            HttpResponse<String> first = get(setup.entryUri().resolve("/api/info"));
            assertEquals(200, first.statusCode(), first.body());
            JsonNode info = JSON.readTree(first.body());
            assertEquals("region-a", info.get("region").asText(), first.body());
            assertEquals("a", first.headers().firstValue(GlobalEntry.ORIGIN_HEADER).orElseThrow());
            assertEquals("a", info.get("lastWriteEndpoint").asText(), "the visit was written on the primary in region A: " + first.body());
            assertTrue(info.get("visits").asLong() >= 1, first.body());

            // The app's other pages, straight and through the entry.
            HttpResponse<String> page = get(setup.entryUri().resolve("/"));
            assertTrue(page.body().contains("Served from region region-a"), page.body());
            assertTrue(page.body().contains("<td>b</td><td>region-b</td><td>SECONDARY</td>"), page.body());
            for (String path : List.of("/health", "/health/live", "/health/ready", "/health/started", "/api/health")) {
                HttpResponse<String> head = http.send(HttpRequest.newBuilder(setup.appUri("b").resolve(path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, head.statusCode(), path);
                assertEquals("", head.body(), path);
            }
            assertTrue(get(setup.appUri("b").resolve("/api/health")).body().contains("\"status\":\"UP\""));

            setup.stopApp("a", true);
            assertFalse(setup.appAlive("a"));

            // Two failed probes of four make region A unhealthy: about 0.6 s here; poll generously.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                HttpResponse<String> r = get(setup.entryUri().resolve("/api/info"));
                if (r.statusCode() == 200 && "region-b".equals(JSON.readTree(r.body()).get("region").asText())) {
                    JsonNode b = JSON.readTree(r.body());
                    assertEquals("b", r.headers().firstValue(GlobalEntry.ORIGIN_HEADER).orElseThrow());
                    assertEquals("a", b.get("lastWriteEndpoint").asText(), "region B's app writes to the primary in region A: " + r.body());
                    assertTrue(b.get("visits").asLong() > info.get("visits").asLong(), "the counter lives in the database: " + r.body());
                    assertNotEquals("-", b.get("lastReadEndpoint").asText(), r.body());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("the entry still does not serve region B 60 s after region A's app died: " + r.statusCode() + " "
                            + r.body() + "; " + setup.entry().describe());
                }
                Thread.sleep(100);
            }
        }
        assertFalse(appB.isAlive(), "close() stops the app processes");
        assertEquals(List.of(), TwoRegionPostgres.runningServerPids(), "close() stops the database servers");
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
