package io.hadr4j.testkit;

import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.drill.Drill;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Objectives;
import io.hadr4j.core.drill.Step;
import io.hadr4j.core.drill.Workload;
import io.hadr4j.core.drill.WriteTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Run a DR drill from your own tests", as it stands there: keep the two the same. */
class DrillExampleTest {

    @Test
    void writesRideOutASwitchoverAndALostPrimary() throws Exception {
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().synchronousReplication(true).build().start();
             RegionAwareDataSource ds = RegionAwareDataSource.create(RouterConfig.custom().localRegion("region-a").build(),
                     Endpoint.of("a", "region-a", db.nodeA().dataSource()), Endpoint.of("b", "region-b", db.nodeB().dataSource()))) {
            DrillReport report = Drill.custom()
                    .workload(Workload.writes(ds, WriteTable.POSTGRESQL))        // sequence-numbered writes through hadr4j
                    .step(Step.inject("planned switchover", DrillFaults.switchover(db)))
                    .step(Step.inject("primary killed", DrillFaults.killAndFailover(db)))
                    .objectives(Objectives.of(Duration.ofSeconds(30), Duration.ZERO)) // synchronous: no write lost
                    .settle(Duration.ofSeconds(2))
                    .build().run();
            report.write(Path.of("target", "drill"));                             // drill-report.json and .html
            assertTrue(report.passed(), report.summary());
        }
    }
}
