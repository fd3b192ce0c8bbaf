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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

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

    @Test
    void theReadmeShowsExactlyTheTestAbove() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```java\n@Test\nvoid writesRideOutASwitchoverAndALostPrimary()");
        assertTrue(start >= 0, "the README's drill example is there");
        String example = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7));
        String source = Files.readString(Path.of("src/test/java/io/hadr4j/testkit/DrillExampleTest.java"));
        String indented = example.lines().map(l -> l.isEmpty() ? l : "    " + l).collect(Collectors.joining("\n", "", "\n"));
        assertTrue(source.contains(indented), "the README's example differs from this test; make them the same:\n" + example);
        assertTrue(example.lines().count() <= 20, "at most 20 lines: " + example.lines().count());
    }
}
