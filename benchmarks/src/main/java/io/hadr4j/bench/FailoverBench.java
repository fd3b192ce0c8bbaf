package io.hadr4j.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The failover benchmark: hadr4j with default settings side by side with what users do today, HikariCP
 * (defaults) over a PgJDBC multi-host URL with {@code targetServerType=primary}, both writing through the
 * testkit's proxies while a scenario runs on the real primary and standby.
 *
 * <p>Per scenario and repetition, on a fresh two-region database: a single writer per system writes a row
 * every millisecond or so; the fault is injected; one second later the standby is promoted. A watcher on a
 * direct connection notes when the new primary becomes writable. For each system the benchmark reports
 * the time from then to its first write acknowledged by the new primary, the writes acknowledged by a node
 * that was not the newest primary, and its longest single call (a call still blocked at the end counts for as
 * long as it has been blocked).
 *
 * <p>Options (system properties): {@code bench.reps} (default 5), {@code bench.maxWaitSeconds} (how long a
 * system may take to recover before it is reported as not recovering; default 60), {@code bench.scenarios}
 * (comma-separated; default kill,demote,stale-return,blackhole).
 */
final class FailoverBench {
    private static final long GAP_BEFORE_PROMOTION_MS = 1000;

    private FailoverBench() {
    }

    static void run(String[] args) throws Exception {
        int reps = Integer.getInteger("bench.reps", 5);
        long maxWaitMs = TimeUnit.SECONDS.toMillis(Long.getLong("bench.maxWaitSeconds", 60));
        String[] scenarios = System.getProperty("bench.scenarios", "kill,demote,stale-return,blackhole").split(",");
        Map<String, String> result = new LinkedHashMap<>();
        for (String scenario : scenarios) {
            List<Outcome> hadr4j = new ArrayList<>();
            List<Outcome> baseline = new ArrayList<>();
            for (int i = 1; i <= reps; i++) {
                Outcome[] o = runOnce(scenario.strip(), maxWaitMs);
                hadr4j.add(o[0]);
                baseline.add(o[1]);
                System.out.printf(Locale.ROOT, "%s #%d: hadr4j %s | baseline %s%n", scenario, i, o[0], o[1]);
            }
            summarize(scenario.strip(), "hadr4j", hadr4j, result);
            summarize(scenario.strip(), "baseline", baseline, result);
        }
        StringBuilder line = new StringBuilder("RESULT failover reps=" + reps);
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
    }

    private static void summarize(String scenario, String system, List<Outcome> outcomes, Map<String, String> result) {
        List<Long> recovered = outcomes.stream().filter(o -> o.recoveryMs >= 0).map(o -> o.recoveryMs).sorted().toList();
        String median;
        if (recovered.size() * 2 <= outcomes.size()) {
            long waited = outcomes.stream().mapToLong(o -> o.waitedMs).max().orElse(0);
            median = "never(waited" + waited / 1000 + "s)";
        } else {
            List<Long> all = outcomes.stream().map(o -> o.recoveryMs < 0 ? Long.MAX_VALUE : o.recoveryMs).sorted().toList();
            median = String.valueOf(all.get(all.size() / 2));
        }
        long wrong = outcomes.stream().mapToLong(o -> o.wrongNodeWrites).sum();
        long maxCall = outcomes.stream().mapToLong(o -> o.maxCallMs).max().orElse(0);
        System.out.printf(Locale.ROOT, "%-13s %-8s median recovery %s ms, recovered %d/%d, writes to a non-newest primary %d, longest call %d ms%n",
                scenario, system, median, recovered.size(), outcomes.size(), wrong, maxCall);
        result.put(scenario + "." + system + "MedianMs", median);
        result.put(scenario + "." + system + "WrongNodeWrites", String.valueOf(wrong));
        result.put(scenario + "." + system + "MaxCallMs", String.valueOf(maxCall));
    }

    /** Runs one repetition; returns {hadr4j, baseline}. */
    private static Outcome[] runOnce(String scenario, long maxWaitMs) throws Exception {
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().build().start()) {
            PgNode a = db.nodeA();
            PgNode b = db.nodeB();
            a.execute("CREATE TABLE bench (id bigserial PRIMARY KEY, system text, seq bigint, port int)");
            db.awaitReplayed(Duration.ofSeconds(30));
            HikariDataSource poolA = pool(a.jdbcUrl(), a);
            HikariDataSource poolB = pool(b.jdbcUrl(), b);
            HikariDataSource baselinePool = pool("jdbc:postgresql://127.0.0.1:" + a.proxy().port() + ",127.0.0.1:" + b.proxy().port()
                    + "/" + a.database() + "?targetServerType=primary", a);
            RegionAwareDataSource hadr4jDs = RegionAwareDataSource.create(RouterConfig.custom().localRegion(a.region()).build(),
                    Endpoint.of("a", a.region(), poolA), Endpoint.of("b", b.region(), poolB));
            Writer hadr4j = new Writer("hadr4j", hadr4jDs);
            Writer baseline = new Writer("baseline", baselinePool);
            try {
                hadr4j.start();
                baseline.start();
                hadr4j.awaitSuccesses(50, 30_000);
                baseline.awaitSuccesses(50, 30_000);

                switch (scenario) {
                    case "kill" -> a.kill();
                    case "demote" -> db.demoteInPlace(a);
                    case "stale-return" -> a.kill();
                    case "blackhole" -> a.proxy().stall();
                    default -> throw new IllegalArgumentException("unknown scenario '" + scenario
                            + "': choose from kill, demote, stale-return, blackhole");
                }
                Thread.sleep(GAP_BEFORE_PROMOTION_MS);
                WritableWatcher watcher = new WritableWatcher("bench-watcher", b, at -> { });
                watcher.start();
                db.failover();
                long writableAt = watcher.awaitWritable(60_000);
                long deadline = writableAt + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
                while (System.nanoTime() < deadline && (hadr4j.firstSuccessOn(b.port(), writableAt) < 0 || baseline.firstSuccessOn(b.port(), writableAt) < 0)) {
                    Thread.sleep(20);
                }
                long staleFrom = writableAt;
                if (scenario.equals("stale-return")) {
                    db.restartAsStalePrimary(a);
                    staleFrom = System.nanoTime();
                    Thread.sleep(5_000);
                }
                long waited = TimeUnit.NANOSECONDS.toMillis(Math.min(System.nanoTime(), deadline) - writableAt);
                return new Outcome[] {hadr4j.outcome(b.port(), writableAt, staleFrom, waited), baseline.outcome(b.port(), writableAt, staleFrom, waited)};
            } finally {
                hadr4j.stopWriting();
                baseline.stopWriting();
                a.proxy().heal();
                hadr4jDs.close();
                baselinePool.close();
                poolA.close();
                poolB.close();
            }
        }
    }

    private static HikariDataSource pool(String url, PgNode node) {
        HikariConfig c = new HikariConfig(); // HikariCP defaults, as users run it
        c.setJdbcUrl(url);
        c.setUsername(node.user());
        c.setPassword(node.password());
        return new HikariDataSource(c);
    }

    record Outcome(long recoveryMs, long waitedMs, long wrongNodeWrites, long maxCallMs, long writes) {
        @Override
        public String toString() {
            return (recoveryMs < 0 ? "not recovered after " + waitedMs + " ms" : "recovered in " + recoveryMs + " ms")
                    + ", wrong-node writes " + wrongNodeWrites + ", longest call " + maxCallMs + " ms, writes " + writes;
        }
    }

    /** Notes when a node first answers as writable, over one direct connection polled every millisecond. */
    /** One system's single writer: a row per call, noting when each was acknowledged and by which server. */
    private static final class Writer extends Thread {
        private final DataSource ds;
        private final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>(); // {nanoTime, port}
        private final AtomicLong maxCallNanos = new AtomicLong();
        private volatile boolean running = true;
        private volatile long callStartedAt; // 0 when no call is in progress
        private long seq;

        Writer(String system, DataSource ds) {
            super("bench-writer-" + system);
            setDaemon(true);
            this.ds = ds;
        }

        @Override
        public void run() {
            String system = getName().substring("bench-writer-".length());
            while (running) {
                long t0 = System.nanoTime();
                callStartedAt = t0;
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO bench (system, seq, port) VALUES (?, ?, inet_server_port()) RETURNING port")) {
                    ps.setString(1, system);
                    ps.setLong(2, ++seq);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        acks.add(new long[] {System.nanoTime(), rs.getInt(1)});
                    }
                } catch (SQLException e) {
                    LockSupport.parkNanos(1_000_000); // a failed call: do not spin
                }
                callStartedAt = 0;
                maxCallNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                LockSupport.parkNanos(1_000_000);
            }
        }

        void awaitSuccesses(int n, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (acks.size() < n) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(getName() + " made only " + acks.size() + " writes before the fault");
                }
                Thread.sleep(10);
            }
        }

        long firstSuccessOn(int port, long after) {
            for (long[] ack : acks) {
                if (ack[1] == port && ack[0] >= after) {
                    return ack[0];
                }
            }
            return -1;
        }

        Outcome outcome(int newPrimaryPort, long writableAt, long staleFrom, long waitedMs) {
            long first = firstSuccessOn(newPrimaryPort, writableAt);
            long wrong = acks.stream().filter(ack -> ack[0] >= staleFrom && ack[1] != newPrimaryPort).count();
            long inProgress = callStartedAt; // a call still blocked counts for as long as it has been blocked
            long longest = Math.max(maxCallNanos.get(), inProgress == 0 ? 0 : System.nanoTime() - inProgress);
            return new Outcome(first < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(first - writableAt), waitedMs, wrong,
                    TimeUnit.NANOSECONDS.toMillis(longest), acks.size());
        }

        void stopWriting() {
            running = false;
        }
    }
}
