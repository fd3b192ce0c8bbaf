package io.hadr4j.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost hadr4j adds on the hot path: {@code getConnection()}+{@code close()}, and a simple query, through
 * a RegionAwareDataSource versus the same HikariCP pool used directly, against the testkit's real primary; and, from
 * JMH's GC profiler, the bytes each operation allocates ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(5) // on a small shared machine one fork varies by +-10 %: the difference sought is a few percent
public class OverheadBench {
    private TwoRegionPostgres db;
    private HikariDataSource poolA;
    private HikariDataSource poolB;
    private RegionAwareDataSource hadr4j;

    @Setup(Level.Trial)
    public void setUp() {
        db = TwoRegionPostgres.builder().build().start();
        poolA = pool(db.nodeA());
        poolB = pool(db.nodeB());
        hadr4j = RegionAwareDataSource.create(RouterConfig.custom().localRegion(db.nodeA().region()).build(),
                Endpoint.of("a", db.nodeA().region(), poolA), Endpoint.of("b", db.nodeB().region(), poolB));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hadr4j.close();
        poolA.close();
        poolB.close();
        db.close();
    }

    private static HikariDataSource pool(PgNode node) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(node.directJdbcUrl()); // not through the testkit's fault proxy: its threads would only add noise
        c.setUsername(node.user());
        c.setPassword(node.password());
        return new HikariDataSource(c);
    }

    @Benchmark
    public void getConnectionHikari(Blackhole bh) throws SQLException {
        borrow(poolA, bh);
    }

    @Benchmark
    public void getConnectionHadr4j(Blackhole bh) throws SQLException {
        borrow(hadr4j, bh);
    }

    @Benchmark
    public int queryHikari() throws SQLException {
        return query(poolA);
    }

    @Benchmark
    public int queryHadr4j() throws SQLException {
        return query(hadr4j);
    }

    private static void borrow(DataSource ds, Blackhole bh) throws SQLException {
        try (Connection c = ds.getConnection()) {
            bh.consume(c);
        }
    }

    private static int query(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void run(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(OverheadBench.class.getName() + ".*")
                .addProfiler(GCProfiler.class).build()).run();
        Map<String, Double> ns = new HashMap<>();
        Map<String, Double> err = new HashMap<>();
        Map<String, Double> bytes = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            String name = label.substring(label.lastIndexOf('.') + 1);
            ns.put(name, r.getPrimaryResult().getScore());
            err.put(name, r.getPrimaryResult().getScoreError());
            bytes.put(name, allocatedBytesPerOp(r));
        }
        double getHikari = ns.get("getConnectionHikari");
        double getHadr4j = ns.get("getConnectionHadr4j");
        double qHikari = ns.get("queryHikari");
        double qHadr4j = ns.get("queryHadr4j");
        System.out.printf(Locale.ROOT, "allocation per getConnection()+close(): HikariCP %.1f B/op, hadr4j %.1f B/op; per SELECT 1: HikariCP %.1f B/op, hadr4j %.1f B/op%n",
                bytes.get("getConnectionHikari"), bytes.get("getConnectionHadr4j"), bytes.get("queryHikari"), bytes.get("queryHadr4j"));
        // The margin of the difference: the two 99.9 % confidence half-widths added, relative to the baseline.
        System.out.printf(Locale.ROOT, "RESULT overhead getConnectionHikariNs=%.1f getConnectionHadr4jNs=%.1f getConnectionOverheadPct=%.1f "
                        + "getConnectionMarginPct=%.1f getConnectionHikariBytesPerOp=%.1f getConnectionHadr4jBytesPerOp=%.1f "
                        + "queryHikariUs=%.2f queryHadr4jUs=%.2f queryOverheadPct=%.1f queryMarginPct=%.1f "
                        + "queryHikariBytesPerOp=%.1f queryHadr4jBytesPerOp=%.1f%n",
                getHikari, getHadr4j, 100 * (getHadr4j - getHikari) / getHikari,
                100 * (err.get("getConnectionHikari") + err.get("getConnectionHadr4j")) / getHikari,
                bytes.get("getConnectionHikari"), bytes.get("getConnectionHadr4j"),
                qHikari / 1000, qHadr4j / 1000, 100 * (qHadr4j - qHikari) / qHikari,
                100 * (err.get("queryHikari") + err.get("queryHadr4j")) / qHikari,
                bytes.get("queryHikari"), bytes.get("queryHadr4j"));
    }

    /** The GC profiler's {@code gc.alloc.rate.norm} (bytes allocated per operation); JMH before 1.36 prefixed it with "·". */
    private static double allocatedBytesPerOp(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return e.getValue().getScore();
            }
        }
        throw new IllegalStateException("JMH's GC profiler gave no gc.alloc.rate.norm for " + r.getParams().getBenchmark()
                + "; it gave " + r.getSecondaryResults().keySet());
    }
}
