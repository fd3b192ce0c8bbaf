package io.hadr4j.core.health;

import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Locale;

/**
 * Load benchmark for the health endpoint (for {@code bench/run health}; not a unit test): starts Jetty with
 * the servlet on a loopback port, fires probes from {@code concurrency} keep-alive HTTP/1.1 connections (raw
 * sockets, so the client costs little) for {@code seconds}, and prints
 * {@code RESULT health rps=... p50ms=... p99ms=... dbQueries=...}, where dbQueries is the number of times the
 * testkit's real primary ran the readiness check's query during the measured period (pg_stat_statements).
 *
 * <p>Arguments as {@code key=value}: {@code seconds=10 warmup=3 concurrency=16 path=/health/ready
 * interval=1000}.
 */
public final class HealthLoadBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value, e.g. seconds=10 concurrency=16; got " + arg);
            }
            opts.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        String path = opts.getOrDefault("path", "/health/ready");
        long intervalMs = Long.parseLong(opts.getOrDefault("interval", "1000"));

        HealthRegistryConfig config = HealthRegistryConfig.custom().interval(Duration.ofMillis(intervalMs))
                .timeout(Duration.ofMillis(Math.max(1, intervalMs / 2))).build();
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().build().start()) {
            PgNode primary = db.nodeA();
            JdbcHealthCheck database = JdbcHealthCheck.custom().name("database").dataSource(primary.dataSource())
                    .writableQuery(JdbcHealthCheck.POSTGRESQL_WRITABLE_QUERY).timeout(config.timeout()).build();
            try (HealthRegistry registry = HealthRegistry.of(config)
                    .register(HealthChecks.region("bench-region", "zone-1", "bench-host"))
                    .register(database).start();
                 HealthHttp http = HealthHttp.start(context ->
                         HealthHttp.mount(context, "/health", new HealthServlet(registry)))) {
                HealthHttp.await(Duration.ofSeconds(10), "readiness UP",
                        () -> registry.report(HealthGroup.READINESS).status() == HealthStatus.UP);
                run(http.port(), path, concurrency, Duration.ofSeconds(warmup));
                long queriesBefore = checkQueries(primary);
                long[] latencies = run(http.port(), path, concurrency, Duration.ofSeconds(seconds));
                long queries = checkQueries(primary) - queriesBefore;
                Arrays.sort(latencies);
                double rps = latencies.length / (double) seconds;
                System.out.printf(Locale.ROOT, "probes=%d over %d s from %d connections; the database check ran every %d ms%n",
                        latencies.length, seconds, concurrency, intervalMs);
                System.out.printf(Locale.ROOT, "RESULT health rps=%.0f p50ms=%.3f p99ms=%.3f dbQueries=%d%n", rps,
                        percentile(latencies, 0.50), percentile(latencies, 0.99), queries);
            }
        }
    }

    /** How many times the server ran the health check's query (pg_stat_statements). */
    private static long checkQueries(PgNode node) {
        return node.queryForLong("SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE '%hadr4j_health_writable%'");
    }

    /** Runs the probes; returns every request's latency in nanoseconds. */
    static long[] run(int port, String path, int concurrency, Duration duration) throws Exception {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hadr4j-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long end = System.nanoTime() + duration.toNanos();
        long[][] results = new long[concurrency][];
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        out.write(request);
                        out.flush();
                        int status = readResponse(in);
                        if (status != 200) {
                            failures.incrementAndGet();
                        }
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - start;
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
                results[index] = Arrays.copyOf(latencies, n); // published by join()
            }, "bench-client-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failures.get() > 0) {
            System.err.println("WARN " + failures.get() + " probes did not answer 200");
        }
        return Arrays.stream(results).flatMapToLong(Arrays::stream).toArray();
    }

    /** Reads one HTTP/1.1 response with a Content-Length; returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        int contentLength = 0;
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() == 0) {
                break;
            }
            if (status < 0) {
                status = Integer.parseInt(line.substring(9, 12));
            } else if (line.toString().regionMatches(true, 0, "Content-Length:", 0, 15)) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.skipNBytes(contentLength);
        return status;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    private HealthLoadBench() {
    }
}
