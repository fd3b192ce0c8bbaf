package io.hadr4j.testkit;

import io.hadr4j.core.drill.Fault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The drill faults that act on a {@link TwoRegionPostgres} and on local processes: the steps of a drill run
 * from a JUnit test or on a laptop. Each acts on the node that is primary when the fault is injected; a fault
 * that promotes the standby heals by attaching the old primary again as a standby of the new one, so that
 * the next step finds a standby to fail over to.
 *
 * <pre>{@code
 * Drill.custom().workload(Workload.writes(dataSource, WriteTable.POSTGRESQL))
 *         .step(Step.inject("planned switchover", DrillFaults.switchover(db)))
 *         .step(Step.inject("primary killed", DrillFaults.killAndFailover(db)).thenHeal())
 *         .step(Step.inject("primary cut off", DrillFaults.blackhole(db)))
 *         .build().run();
 * }</pre>
 */
public final class DrillFaults {
    private static final Logger log = LoggerFactory.getLogger(DrillFaults.class);

    private DrillFaults() {
    }

    /** What a fault does to the database; returns the node to re-attach when healed (null for none). */
    @FunctionalInterface
    private interface Act {
        PgNode on(PgNode primary) throws Exception;
    }

    /** A fault on the database whose primary is the node that is primary when it is injected. */
    private static final class DatabaseFault implements Fault {
        private final TwoRegionPostgres db;
        private final String description;
        private final Act act;
        private volatile PgNode toReattach;

        DatabaseFault(TwoRegionPostgres db, String description, Act act) {
            if (db == null) {
                throw new IllegalArgumentException("a testkit fault needs the TwoRegionPostgres it acts on, not null");
            }
            this.db = db;
            this.description = description;
            this.act = act;
        }

        @Override
        public String describe() {
            return description + " (" + db.describe() + ")";
        }

        @Override
        public void inject() throws Exception {
            toReattach = act.on(db.primary());
        }

        /** Attaches the old primary again as a standby of the new one (its proxy healed first). */
        @Override
        public void heal() {
            PgNode old = toReattach;
            if (old != null) {
                old.proxy().heal();
                db.reattachAsStandby(old);
                toReattach = null;
            }
        }

        @Override
        public String toString() {
            return "DrillFaults[" + description + "]";
        }
    }

    /** A planned switchover: the primary stops cleanly, the standby takes over, the old primary follows it. Nothing is lost. */
    public static Fault switchover(TwoRegionPostgres db) {
        return new DatabaseFault(db, "planned switchover of the primary to the standby", primary -> {
            db.switchover();
            return null;
        });
    }

    /** kill -9 of the primary, then a forced failover to the standby. With asynchronous replication, the last writes may be lost. */
    public static Fault killAndFailover(TwoRegionPostgres db) {
        return new DatabaseFault(db, "kill -9 of the primary, then a forced failover to the standby", primary -> {
            primary.kill();
            db.failover();
            return primary;
        });
    }

    /**
     * The primary turns read-only in place with its connections open, and the standby is promoted: what an Azure SQL
     * failover-group failover does to the old primary.
     */
    public static Fault demote(TwoRegionPostgres db) {
        return new DatabaseFault(db, "the primary turned read-only in place, then a forced failover to the standby", primary -> {
            db.demoteInPlace(primary);
            db.failover();
            return primary;
        });
    }

    /**
     * The network to the primary becomes a black hole (its proxy accepts connections and answers nothing, open ones
     * hang), and the standby is promoted: a primary region cut off.
     */
    public static Fault blackhole(TwoRegionPostgres db) {
        return new DatabaseFault(db, "the primary's network turned into a black hole, then a forced failover to the standby", primary -> {
            primary.proxy().stall();
            db.failover();
            return primary;
        });
    }

    /**
     * Stops a local process (an app instance of one region): SIGTERM, or SIGKILL when {@code forcibly}, and SIGKILL
     * when it has not exited 10 s after SIGTERM. A process cannot be started again from its handle: this fault does
     * not heal.
     */
    public static Fault stopProcess(String name, ProcessHandle process, boolean forcibly) {
        if (name == null || name.isBlank() || process == null) {
            throw new IllegalArgumentException("stopProcess needs a name for the report and the process to stop, got '" + name + "', " + process);
        }
        return new Fault() {
            @Override
            public String describe() {
                return (forcibly ? "kill -9 of " : "stop ") + name + " (pid " + process.pid() + ")";
            }

            @Override
            public void inject() throws InterruptedException {
                stop(name, process, forcibly);
            }

            @Override
            public String toString() {
                return "DrillFaults[" + describe() + "]";
            }
        };
    }

    /** What {@link #stopProcess} does, for code that stops its own processes the same way. */
    public static void stop(String name, ProcessHandle process, boolean forcibly) throws InterruptedException {
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException gone) {
                log.warn("{} (pid {}) still runs after SIGKILL", name, process.pid());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not wait for " + name + " to exit", e);
        }
        log.info("{} (pid {}) stopped", name, process.pid());
    }
}
