package io.hadr4j.testkit;

import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.Role;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.drill.Drill;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Fault;
import io.hadr4j.core.drill.Layer;
import io.hadr4j.core.drill.Objectives;
import io.hadr4j.core.drill.Step;
import io.hadr4j.core.drill.Workload;
import io.hadr4j.core.drill.WriteTable;
import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PostgresBackupService;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The testkit's drill faults in one drill through a region-aware DataSource: a primary demoted in place and a black-holed
 * primary (each then promoting the standby, and healed by attaching the old primary as a standby again), and a
 * point-in-time restore on the backup service of whichever node is primary by then. Synchronous replication: no
 * acknowledged write may be lost by any of them.
 */
class DrillFaultsTest {

    /** Through the node's fault proxy, with timeouts: a black-holed server must fail a write, not hang it. */
    private static PGSimpleDataSource viaProxy(PgNode node) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(node.jdbcUrl());
        ds.setUser(node.user());
        ds.setPassword(node.password());
        ds.setConnectTimeout(2);
        ds.setLoginTimeout(2);
        ds.setSocketTimeout(5);
        return ds;
    }

    @Test
    void demoteAndBlackholeFailOverAndHealAndTheRestoreFollowsThePrimary() throws Exception {
        Path work = Files.createTempDirectory("hadr4j-drill-faults-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().synchronousReplication(true).build().start();
             RegionAwareDataSource ds = RegionAwareDataSource.create(RouterConfig.custom().localRegion("region-a")
                             .probeInterval(Duration.ofMillis(200)).failoverTimeout(Duration.ofSeconds(10)).build(),
                     Endpoint.of("a", "region-a", viaProxy(db.nodeA())), Endpoint.of("b", "region-b", viaProxy(db.nodeB())))) {
            Fault demote = DrillFaults.demote(db);
            assertTrue(demote.describe().startsWith("the primary turned read-only in place, then a forced failover to the standby (a(region-a)=PRIMARY"),
                    demote.describe());
            DrillReport report = Drill.custom()
                    .workload(Workload.writes(ds, WriteTable.POSTGRESQL).timing(Duration.ofMillis(50), Duration.ofSeconds(2)))
                    .step(Step.inject("demoted in place", demote).thenHeal())
                    .step(Step.inject("black hole", DrillFaults.blackhole(db)).thenHeal())
                    .step(Step.restore("restore", () -> new PostgresBackupService(db.backupConfig(db.primary(),
                            Files.createDirectories(work.resolve("backup-" + db.primary().name()))).build())))
                    .objectives(Objectives.of(Duration.ofMinutes(1), Duration.ZERO))
                    .settle(Duration.ofSeconds(1)).stepTimeout(Duration.ofMinutes(2))
                    .build().run();

            for (DrillReport.StepResult step : report.steps()) {
                assertTrue(step.ran() && step.passed(), report.summary());
                assertEquals(0, step.rpoLostWrites(), step.summary());
            }
            DrillReport.StepResult restore = report.steps().get(2);
            assertTrue(restore.rtoMillis().get(Layer.RESTORE) > 0, restore.summary());
            assertTrue(restore.note().contains("verification: passed"), restore.note());
            // Healed twice: a was demoted and re-attached, then b was cut off and re-attached; a is primary again.
            assertEquals(Role.PRIMARY, db.nodeA().role(), db.describe());
            assertEquals(Role.SECONDARY, db.nodeB().role(), db.describe());
            assertEquals("a", ds.snapshot().writeEndpoint());
        } finally {
            PgFiles.deleteTree(work);
        }
    }

    @Test
    void stopProcessEndsALocalProcess() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        Fault stop = DrillFaults.stopProcess("region A's app", sleeper.toHandle(), false);
        assertEquals("stop region A's app (pid " + sleeper.pid() + ")", stop.describe());
        stop.inject();
        assertTrue(sleeper.waitFor(1, TimeUnit.SECONDS));
        assertFalse(sleeper.isAlive());
        assertThrows(IllegalArgumentException.class, () -> DrillFaults.stopProcess(" ", sleeper.toHandle(), true));
        assertThrows(IllegalArgumentException.class, () -> DrillFaults.switchover(null));
        assertEquals(List.of(), TwoRegionPostgres.runningServerPids().stream().filter(p -> p == sleeper.pid()).toList());
    }
}
