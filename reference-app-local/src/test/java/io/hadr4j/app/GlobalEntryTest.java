package io.hadr4j.app;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The entry's Front Door semantics against two tiny origins whose health the test switches: priorities, the split by
 * weight between origins of equal priority, and traffic to every origin when none is healthy.
 */
class GlobalEntryTest {
    static {
        // The JDK's HttpServer writes headers and body apart: without TCP_NODELAY each response waits for a delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Integer> healthStatus = new ConcurrentHashMap<>(Map.of("a", 200, "b", 200));
    private final Map<String, AtomicInteger> heads = new ConcurrentHashMap<>(Map.of("a", new AtomicInteger(), "b", new AtomicInteger()));
    private final List<HttpServer> origins = List.of(origin("a"), origin("b"));
    private GlobalEntry entry;

    @AfterEach
    void stop() {
        if (entry != null) {
            entry.close();
        }
        origins.forEach(o -> o.stop(0));
    }

    @Test
    void routesToTheBestPriorityHealthyOriginAndBackWhenItRecovers() throws Exception {
        entry = GlobalEntry.start(0, new GlobalEntry.ProbeSettings("/health", "HEAD", Duration.ofMillis(100), 4, 3, Duration.ofMillis(500)),
                List.of(new GlobalEntry.Origin("b", uri(1), 2, 1000), new GlobalEntry.Origin("a", uri(0), 1, 1)));
        assertEquals("hello from a /some/path?q=1", get("/some/path?q=1"), "priority 1 first, path and query kept");

        healthStatus.put("a", 503);
        awaitServedBy("b");
        assertTrue(heads.get("a").get() > 0, "the probes use HEAD");

        healthStatus.put("a", 200);
        awaitServedBy("a");
    }

    @Test
    void withNoHealthyOriginEveryOriginGetsTrafficByWeight() throws Exception {
        healthStatus.put("a", 503);
        healthStatus.put("b", 503);
        entry = GlobalEntry.start(0, new GlobalEntry.ProbeSettings("/health", "GET", Duration.ofMillis(100), 2, 2, Duration.ofMillis(500)),
                List.of(new GlobalEntry.Origin("a", uri(0), 2, 100), new GlobalEntry.Origin("b", uri(1), 1, 100)));
        awaitUnhealthy("a", "b");
        Map<String, Integer> served = countServed(20);
        assertEquals(Map.of("a", 10, "b", 10), served, "every origin, whatever its priority, shares by weight: " + entry.describe());
    }

    /**
     * Origins of equal priority share traffic in the ratio of their weights. The round robin is deterministic (smooth
     * weighted round robin): over n picks from one set, each origin gets within one of n * weight / total, so the bound
     * below is exact, not statistical. The probes tolerate three misses in four, so that a slow probe on a busy machine
     * does not take an origin out of the set while the test counts.
     */
    @Test
    void equalPrioritiesShareTrafficInTheRatioOfTheirWeights() throws Exception {
        entry = GlobalEntry.start(0, new GlobalEntry.ProbeSettings("/health", "HEAD", Duration.ofMillis(200), 4, 1, Duration.ofSeconds(2),
                        Duration.ofSeconds(2)),
                List.of(new GlobalEntry.Origin("a", uri(0), 1, 1000), new GlobalEntry.Origin("b", uri(1), 1, 500)));
        int n = 300;
        Map<String, Integer> served = countServed(n);
        assertEquals(List.of("a", "b"), entry.sharing(), "both shared the last pick: " + entry.describe());
        assertWithinOneOfShare(served.getOrDefault("a", 0), n, 1000, 1500);
        assertWithinOneOfShare(served.getOrDefault("b", 0), n, 500, 1500);

        // A lower priority number wins over any weight, while it is healthy.
        entry.close();
        entry = GlobalEntry.start(0, new GlobalEntry.ProbeSettings("/health", "HEAD", Duration.ofMillis(200), 4, 1, Duration.ofSeconds(2),
                        Duration.ofSeconds(2)),
                List.of(new GlobalEntry.Origin("a", uri(0), 1, 1), new GlobalEntry.Origin("b", uri(1), 2, 1000)));
        assertEquals(Map.of("a", 30), countServed(30));
    }

    /** {@code count} of {@code n} requests is less than one away from the weight's exact share. */
    static void assertWithinOneOfShare(int count, int n, int weight, int total) {
        double share = (double) n * weight / total;
        assertTrue(Math.abs(count - share) < 1, count + " of " + n + " requests; weight " + weight + " of " + total + " means " + share);
    }

    private Map<String, Integer> countServed(int n) throws Exception {
        Map<String, Integer> served = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            String body = get("/");
            served.merge(body.substring("hello from ".length(), "hello from ".length() + 1), 1, Integer::sum);
        }
        return served;
    }

    private void awaitUnhealthy(String... names) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!java.util.Arrays.stream(names).noneMatch(n -> entry.health().get(n))) {
            if (System.nanoTime() > deadline) {
                fail("not every origin turned unhealthy: " + entry.describe());
            }
            Thread.sleep(50);
        }
    }

    private void awaitServedBy(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!get("/").equals("hello from " + name + " /")) {
            if (System.nanoTime() > deadline) {
                fail("the entry does not route to " + name + ": " + entry.describe());
            }
            Thread.sleep(50);
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(entry.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body().substring("hello from ".length(), "hello from ".length() + 1), r.headers().firstValue(GlobalEntry.ORIGIN_HEADER).orElseThrow());
        return r.body();
    }

    private URI uri(int i) {
        return URI.create("http://127.0.0.1:" + origins.get(i).getAddress().getPort());
    }

    private HttpServer origin(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().toString();
                if (path.equals("/health")) {
                    if ("HEAD".equals(exchange.getRequestMethod())) {
                        heads.get(name).incrementAndGet();
                    }
                    exchange.sendResponseHeaders(healthStatus.get(name), -1);
                } else {
                    byte[] body = ("hello from " + name + " " + path).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
