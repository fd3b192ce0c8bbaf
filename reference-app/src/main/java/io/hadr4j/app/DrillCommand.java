package io.hadr4j.app;

import io.hadr4j.core.backup.BackupService;
import io.hadr4j.core.drill.Drill;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Fault;
import io.hadr4j.core.drill.Objectives;
import io.hadr4j.core.drill.Step;
import io.hadr4j.core.drill.Workload;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The reference app's DR drill on hadr4j's drill engine: requests to {@code /api/info} through the global entry and
 * sequence-numbered writes through the region-aware DataSource, while four steps act: region A's app stops, the
 * database switches over (planned), the primary is killed and the standby promoted, and a bad delete is undone by a
 * point-in-time restore. {@code local} injects the faults with the testkit; a deployment with shell commands.
 */
final class DrillCommand {
    static final String STOP_APP = "stop region A's app";
    static final String SWITCHOVER = "planned database switchover";
    static final String FAILOVER = "forced database failover (primary killed)";
    static final String RESTORE_STEP = "point-in-time restore before a bad delete";

    private DrillCommand() {
    }

    /** Timings and objectives, from the command line; short timings make a quick drill in tests. */
    record Settings(Duration requestInterval, Duration requestTimeout, Duration settle, Duration stepTimeout,
                    Duration rtoObjective, Duration rpoObjective) {
        static final String USAGE = String.join("\n",
                "  --request-interval D   pause between workload operations per layer, up to 1m (default 100ms)",
                "  --request-timeout D    timeout of one request through the entry, and of one write, up to 10m (default 2s)",
                "  --settle D             a step ends once every layer has been failure-free this long, up to 1h (default 5s)",
                "  --step-timeout D       longest a step may take to recover, up to 1 day (default 5m)",
                "  --rto-objective D      recovery time objective, up to 1 day (default 5m)",
                "  --rpo-objective D      recovery point objective, up to 1 day (default 1m)");

        /** The flags, checked before anything starts. */
        static Settings from(Options o) {
            Duration minute = Duration.ofMinutes(1);
            Duration day = Duration.ofDays(1);
            Settings s = new Settings(o.duration("request-interval", Duration.ofMillis(100), Duration.ZERO, minute),
                    o.duration("request-timeout", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(10)),
                    o.duration("settle", Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1)),
                    o.duration("step-timeout", Duration.ofMinutes(5), Duration.ZERO, day),
                    o.duration("rto-objective", Duration.ofMinutes(5), Duration.ZERO, day),
                    o.duration("rpo-objective", Duration.ofMinutes(1), Duration.ZERO, day));
            requireMoreThanZero("request-interval", s.requestInterval);
            requireMoreThanZero("request-timeout", s.requestTimeout);
            requireMoreThanZero("settle", s.settle);
            requireMoreThanZero("rto-objective", s.rtoObjective);
            if (s.settle.compareTo(s.stepTimeout) >= 0) {
                throw new Options.ConfigException("--settle " + s.settle.toSeconds() + "s must be shorter than --step-timeout "
                        + s.stepTimeout.toSeconds() + "s: a step ends after --settle failure-free, within --step-timeout");
            }
            return s;
        }

        private static void requireMoreThanZero(String flag, Duration d) {
            if (d.isZero()) {
                throw new Options.ConfigException("--" + flag + " must be more than zero, such as 100ms or 5s");
            }
        }
    }

    /** What injects each step's fault, and the backup service of the restore step (null where there is none). */
    record Faults(Fault stopRegionAApp, Fault switchover, Fault failover, Callable<? extends BackupService> backups) {
    }

    /** Runs the drill against the entry and the database, and returns its report. */
    static DrillReport run(URI entry, DataSource db, AppSql sql, Faults faults, Settings settings, PrintStream out) throws InterruptedException {
        return Drill.custom()
                .workload(Workload.of(entry.resolve("/api/info"), db, sql.writeTable)
                        .timing(settings.requestInterval(), settings.requestTimeout()))
                .step(Step.inject(STOP_APP, faults.stopRegionAApp()))
                .step(Step.inject(SWITCHOVER, faults.switchover()))
                .step(Step.inject(FAILOVER, faults.failover()))
                .step(Step.restore(RESTORE_STEP, faults.backups()))
                .settle(settings.settle()).stepTimeout(settings.stepTimeout())
                .objectives(Objectives.of(settings.rtoObjective(), settings.rpoObjective()))
                .progress(out::println)
                .build().run();
    }
}
