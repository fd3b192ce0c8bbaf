package io.hadr4j.testkit;

import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.drill.Drill;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Fault;
import io.hadr4j.core.drill.Objectives;
import io.hadr4j.core.drill.Step;
import io.hadr4j.core.drill.Workload;
import io.hadr4j.core.drill.WriteTable;
import io.hadr4j.postgres.PgFiles;
import io.hadr4j.postgres.PostgresBackupService;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write lost by one step counts once, in that step. An asynchronous failover may lose an acknowledged write; a later
 * point-in-time restore of the new primary's history cannot hold it either, and it used to be counted again as the
 * restore's loss: the reference app's drill (asynchronous standby) then reported a restore that lost a write although
 * the copy held everything the database had. Here the loss is made certain: the first step deletes the oldest
 * acknowledged row on the primary, as a failover that lost it would leave the database.
 */
class DrillLostWriteTest {

    /** An acknowledged write the current primary no longer has. */
    private static Fault loseOneWrite(TwoRegionPostgres db) {
        return new Fault() {
            @Override
            public String describe() {
                return "the oldest acknowledged write of the run is lost on " + db.primary().name();
            }

            @Override
            public void inject() {
                db.primary().execute("DELETE FROM " + WriteTable.NAME + " WHERE seq = (SELECT min(seq) FROM " + WriteTable.NAME + ")");
            }
        };
    }

    @Test
    void aWriteLostAtAFailoverIsNotLostAgainByTheRestore() throws Exception {
        Path work = Files.createTempDirectory("hadr4j-drill-lost-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().build().start();
             RegionAwareDataSource ds = RegionAwareDataSource.create(RouterConfig.custom().localRegion("region-a").build(),
                     Endpoint.of("a", "region-a", db.nodeA().dataSource()), Endpoint.of("b", "region-b", db.nodeB().dataSource()))) {
            DrillReport report = Drill.custom()
                    .workload(Workload.writes(ds, WriteTable.POSTGRESQL).timing(Duration.ofMillis(50), Duration.ofSeconds(2)))
                    .step(Step.inject("a write lost", loseOneWrite(db)))
                    .step(Step.restore("restore", () -> new PostgresBackupService(db.backupConfig(db.primary(),
                            Files.createDirectories(work.resolve("backup"))).build())))
                    .objectives(Objectives.of(Duration.ofMinutes(1), Duration.ofMinutes(1)))
                    .settle(Duration.ofSeconds(1)).stepTimeout(Duration.ofMinutes(2))
                    .build().run();

            DrillReport.StepResult lost = report.steps().get(0);
            DrillReport.StepResult restore = report.steps().get(1);
            assertEquals(1, lost.rpoLostWrites(), "the step that lost the write counts it: " + lost.summary());
            assertTrue(restore.ran(), restore.summary());
            assertTrue(restore.note().contains("verification: passed"), restore.note());
            assertEquals(0, restore.rpoLostWrites(), "the copy holds everything the database had before the delete: " + restore.summary());
        } finally {
            PgFiles.deleteTree(work);
        }
    }
}
