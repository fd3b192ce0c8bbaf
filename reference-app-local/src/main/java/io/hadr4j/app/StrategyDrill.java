package io.hadr4j.app;

import io.hadr4j.core.drill.Drill;
import io.hadr4j.core.drill.DrillComparison;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Fault;
import io.hadr4j.core.drill.Objectives;
import io.hadr4j.core.drill.Step;
import io.hadr4j.core.drill.Workload;
import io.hadr4j.postgres.PostgresRestoredDatabase;
import io.hadr4j.testkit.TwoRegionPostgres;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The region-loss drill of each {@link Strategy}, on a fresh {@link LocalSetup} per strategy, and the
 * {@link DrillComparison} of them: requests through the global entry and sequence-numbered writes through a
 * region-aware DataSource while region A is lost (its app and its database killed at once) and the strategy's failover
 * runs: region B's standby promoted; for {@code warm} region B's app started too; for {@code cold} region B's database
 * restored from region A's base backup and WAL archive first. The RTO therefore includes whatever the strategy must
 * start; the RPO counts the acknowledged writes the failover lost.
 */
final class StrategyDrill {
    static final String TITLE = "DR strategies, measured";
    static final String STEP = "region A lost";

    /** A look at each strategy's live setup, before its drill and after it (before the setup is closed): for tests. */
    interface Observer {
        Observer NONE = new Observer() {
        };

        default void ready(Strategy strategy, LocalSetup setup) throws Exception {
        }

        default void done(Strategy strategy, LocalSetup setup, DrillReport report) throws Exception {
        }
    }

    private StrategyDrill() {
    }

    /** Runs the region-loss drill of each strategy with its setup settings, one after another, and compares them. */
    static DrillComparison run(List<Strategy> strategies, Map<Strategy, LocalSetup.Settings> setups, DrillCommand.Settings drill,
                               PrintStream out, Observer observer) throws Exception {
        List<DrillComparison.Run> runs = new ArrayList<>();
        for (Strategy s : strategies) {
            out.println("\n=== strategy " + s + " ===");
            runs.add(runOne(s, setups.get(s), drill, out, observer));
        }
        DrillComparison comparison = DrillComparison.of(TITLE, runs);
        out.println("\n" + comparison.summary());
        return comparison;
    }

    /**
     * How long the traffic runs before region A is lost: the drill's settle time, and for {@code cold} at least one WAL
     * archive interval more, so that the disaster strikes at an arbitrary moment of the archive's cycle after the drill's
     * writes began, as it would in a system that has run for a while.
     */
    static Duration warmUp(Strategy strategy, Duration settle) {
        if (strategy.standby != Strategy.Standby.NONE) {
            return settle;
        }
        Duration cycle = TwoRegionPostgres.ARCHIVE_TIMEOUT.plusSeconds(1);
        return settle.compareTo(cycle) >= 0 ? settle : cycle;
    }

    private static DrillComparison.Run runOne(Strategy strategy, LocalSetup.Settings settings, DrillCommand.Settings drill, PrintStream out,
                                              Observer observer) throws Exception {
        try (LocalSetup setup = LocalSetup.start(settings, out);
             RoutedDatabase db = new RoutedDatabase("drill", LocalSetup.REGION_B, setup.dbEndpoints(), setup.dbUser(),
                     setup.dbPassword(), settings.routerProbeInterval())) {
            out.println(setup.describe());
            observer.ready(strategy, setup);
            Map<String, Integer> before = setup.running();
            RegionLoss loss = new RegionLoss(setup, drill.stepTimeout());
            Duration warmUp = warmUp(strategy, drill.settle());
            DrillReport report = Drill.custom()
                    .workload(Workload.of(setup.entryUri().resolve("/api/info"), db.dataSource(), AppSql.POSTGRESQL.writeTable)
                            .timing(drill.requestInterval(), drill.requestTimeout()))
                    .step(Step.inject(STEP, loss))
                    .settle(drill.settle()).warmUp(warmUp).stepTimeout(drill.stepTimeout())
                    .objectives(Objectives.of(drill.rtoObjective(), drill.rpoObjective()))
                    .progress(out::println)
                    .build().run();
            observer.done(strategy, setup, report);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("region B's database", strategy.standby.description);
            details.put("entry origins", "a: priority " + settings.priorityA() + ", weight " + settings.weightA() + "; b: priority "
                    + settings.priorityB() + ", weight " + settings.weightB() + " (latency sensitivity "
                    + settings.probe().latencySensitivity().toMillis() + " ms, probes every " + settings.probe().interval().toMillis()
                    + " ms, " + settings.probe().successfulSamplesRequired() + " of " + settings.probe().sampleSize() + " must pass)");
            details.put("the disaster", "after " + warmUp.toMillis() / 1000.0 + " s of steady traffic"
                    + (warmUp.equals(drill.settle()) ? "" : " (longer than one WAL archive interval, so that the archive holds some of the drill's writes)")
                    + ": " + loss.describe());
            details.putAll(loss.phases());
            return new DrillComparison.Run(strategy.id, strategy.description, strategy.expected, before, details, report);
        }
    }

    /**
     * Region A lost and the strategy's failover: region A's app and database killed at once, then region B's standby
     * promoted, or (cold) region B's database restored from region A's backups; then (warm, cold) region B's app started.
     * It returns once region B's database takes writes and its app, if started here, is ready. What each phase took is
     * kept for the report.
     */
    static final class RegionLoss implements Fault {
        private final LocalSetup setup;
        private final Duration timeout;
        private final Map<String, String> phases = new LinkedHashMap<>();

        RegionLoss(LocalSetup setup, Duration timeout) {
            this.setup = setup;
            this.timeout = timeout;
        }

        @Override
        public String describe() {
            Strategy s = setup.strategy();
            StringBuilder sb = new StringBuilder("region A's app and database killed at once, then ");
            sb.append(s.standby == Strategy.Standby.NONE ? "region B's database restored from region A's base backup and WAL archive"
                    : "region B's standby promoted");
            if (!s.regionBAppRuns) {
                sb.append(", and region B's app started").append(s.standby == Strategy.Standby.NONE ? " on it" : " (the scale-up)");
            }
            return sb.toString();
        }

        @Override
        public void inject() throws Exception {
            Strategy s = setup.strategy();
            setup.loseRegionA();
            long t0 = System.nanoTime();
            if (s.standby == Strategy.Standby.NONE) {
                PostgresRestoredDatabase copy = setup.restoreRegionB(timeout);
                phases.put("restore", "region B's database restored in " + seconds(t0) + " from base backup "
                        + setup.baseBackup().map(b -> b.id() + " (consistent at " + b.stopTime() + ")").orElse("?")
                        + " and the WAL archive up to " + copy.restorePoint() + " (its newest segment)");
            } else {
                setup.promoteRegionB();
                phases.put("promotion", "region B's standby promoted in " + seconds(t0));
            }
            if (!s.regionBAppRuns) {
                long t1 = System.nanoTime();
                setup.startRegionBApp(timeout);
                phases.put("scale-up", "region B's app started and ready in " + seconds(t1));
            }
        }

        /** What each phase of the failover took, once injected. */
        Map<String, String> phases() {
            return phases;
        }

        private static String seconds(long since) {
            return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - since) / 1e9);
        }

        @Override
        public String toString() {
            return "RegionLoss[" + setup.strategy() + "]";
        }
    }
}
