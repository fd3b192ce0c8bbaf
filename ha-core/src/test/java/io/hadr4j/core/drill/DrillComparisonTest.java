package io.hadr4j.core.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Several drills in one report: the figures per run, its JSON, the checks when it is made, and (in headless Chromium)
 * the page with the runs side by side.
 */
class DrillComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /**
     * A one-step drill report: requests fail for {@code entryOutage} s and writes for {@code writeOutage} s from second 10, and
     * {@code lost} writes acknowledged in the second before were lost.
     */
    static DrillReport report(int entryOutage, int writeOutage, int lost, int seconds) {
        long start = 10_000;
        long end = start + Math.max(entryOutage, writeOutage) * 1000L + 2_000;
        DrillReport.StepResult step = new DrillReport.StepResult("region A lost", true, start, end,
                Map.of(Layer.ENTRY, entryOutage * 1000L, Layer.DB_WRITE, writeOutage * 1000L), lost, lost == 0 ? 0.0 : 0.9,
                lost == 0 ? null : start - 1_000, true, null);
        List<DrillReport.Bucket> timeline = new ArrayList<>();
        for (Layer layer : List.of(Layer.ENTRY, Layer.DB_WRITE)) {
            int outage = layer == Layer.ENTRY ? entryOutage : writeOutage;
            for (int s = 0; s <= seconds; s++) {
                boolean down = s >= 10 && s < 10 + outage;
                timeline.add(new DrillReport.Bucket(s, layer, down ? 0 : 10, down ? 10 : 0));
            }
        }
        return new DrillReport(Instant.EPOCH, Instant.EPOCH.plusSeconds(seconds), "http://127.0.0.1:1/api/info", Objectives.DEFAULT,
                List.of(step), timeline);
    }

    static DrillComparison fourRuns() {
        Map<String, Integer> both = new LinkedHashMap<>();
        both.put("app instances", 2);
        both.put("database servers", 2);
        both.put("base backups", 0);
        Map<String, Integer> cold = new LinkedHashMap<>();
        cold.put("app instances", 1);
        cold.put("database servers", 1);
        cold.put("base backups", 1);
        DrillReport notRun = new DrillReport(Instant.EPOCH, Instant.EPOCH.plusSeconds(5), null, Objectives.DEFAULT,
                List.of(DrillReport.StepResult.notRun("region A lost", "not run: no command")), List.of());
        return DrillComparison.of("DR strategies, measured", List.of(
                new DrillComparison.Run("active-active", "both serve", new DrillComparison.Expected("near zero", "near zero", "both"),
                        both, Map.of("replication", "synchronous"), report(1, 1, 0, 30)),
                new DrillComparison.Run("active-passive", "one serves", new DrillComparison.Expected("minutes", "seconds", "both run"),
                        both, Map.of(), report(2, 1, 3, 30)),
                new DrillComparison.Run("warm standby with a long name that must still fit under its bars", "scale-up",
                        new DrillComparison.Expected(null, null, "replica"), both, Map.of(), report(9, 1, 1, 40)),
                new DrillComparison.Run("cold", "restore", new DrillComparison.Expected("hours", "backup frequency", "backups"),
                        cold, Map.of("restore", "took 3 s"), report(14, 12, 60, 60)),
                new DrillComparison.Run("not run", "no fault here", null, null, null, notRun)));
    }

    @Test
    void eachRunsFiguresComeFromItsFirstStepAndItsTimeline() throws Exception {
        DrillComparison c = fourRuns();
        DrillComparison.Run cold = c.runs().get(3);
        assertEquals(12_000L, cold.step().rtoMillis().get(Layer.DB_WRITE));
        assertEquals(Map.of(Layer.ENTRY, 140, Layer.DB_WRITE, 120), cold.failedDuringStep(), "failures in the seconds the step spans");
        assertEquals(Map.of(), c.runs().get(4).failedDuringStep());
        assertEquals(DrillComparison.Expected.NONE, c.runs().get(4).expected());
        assertTrue(c.passed(), "a step that did not run does not fail the comparison, as in one drill's report");
        assertEquals(List.of(DrillComparison.JSON_FILE, DrillComparison.HTML_FILE), c.files());
        assertTrue(c.summary().startsWith("active-active: RTO {entry=1000, db-write=1000} ms, RPO 0 lost writes"), c.summary());
        assertTrue(c.summary().contains("not run: NOT RUN (not run: no command)"), c.summary());

        JsonNode json = JSON.readTree(c.toJson());
        assertEquals("DR strategies, measured", json.get("title").asText());
        JsonNode run = json.get("runs").get(3);
        assertEquals("cold", run.get("name").asText());
        assertEquals("hours", run.get("expected").get("rto").asText());
        assertEquals(1, run.get("runningBefore").get("base backups").asInt());
        assertEquals(List.of("app instances", "database servers", "base backups"), fieldNames(run.get("runningBefore")), "in the order given");
        assertEquals("took 3 s", run.get("details").get("restore").asText());
        JsonNode m = run.get("measured");
        assertEquals(14_000, m.get("rtoMillis").get("entry").asLong());
        assertEquals(120, m.get("failed").get("db-write").asInt());
        assertEquals(60, m.get("rpoLostWrites").asInt());
        assertEquals(9_000, m.get("rpoFromMillis").asLong());
        assertEquals(61 * 2, run.get("drill").get("timeline").size(), "the whole drill report is inside");
        assertFalse(json.get("runs").get(2).get("expected").has("rto"), "not stated: left out");
    }

    @Test
    void badComparisonsSayWhatToChange() {
        DrillReport r = report(1, 1, 0, 20);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> DrillComparison.of("t", List.of(
                new DrillComparison.Run("cold", "", null, null, null, r), new DrillComparison.Run("cold", "", null, null, null, r))));
        assertEquals("two runs are named 'cold': give each run its own name", twice.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DrillComparison.of("t", List.of()))
                .getMessage().contains("at least one run"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DrillComparison.Run(" ", "", null, null, null, r))
                .getMessage().contains("non-blank name"));
        DrillReport empty = new DrillReport(Instant.EPOCH, Instant.EPOCH, null, Objectives.DEFAULT, List.of(), List.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DrillComparison.Run("x", "", null, null, null, empty))
                .getMessage().contains("needs the report of a drill with at least one step"));
    }

    private static final Pattern VIEW_BOX = Pattern.compile("<svg id=\"(side-by-side|timelines-svg)\" viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"");
    private static final Pattern LABEL_END = Pattern.compile("<text [^>]*class=\"([a-z -]+)\"[^>]*data-end=\"([0-9.]+)\"");

    @Test
    void thePageDrawsTheRunsSideBySideWithinItsWidth(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: /usr/bin/chromium is absent (install it with: apt-get install -y chromium)");
        Path html = fourRuns().write(dir.resolve("c"));
        assertTrue(Files.exists(dir.resolve("c").resolve(DrillComparison.JSON_FILE)));
        String dom = DrillReportPageTest.dumpDom(html, dir.resolve("profile"));
        assertTrue(dom.contains("data-rendered=\"true\""), "the page's script ran to the end");
        assertEquals(5, count(dom, "class=\"run-row\""), "one table row per run");
        assertTrue(dom.contains("not stated"), "an expectation not stated says so");
        Matcher box = VIEW_BOX.matcher(dom);
        int boxes = 0;
        double width = 0;
        while (box.find()) {
            boxes++;
            width = Double.parseDouble(box.group(2));
            assertTrue(dom.contains("style=\"width:100%;height:auto;max-width:" + box.group(2) + "px\""), "chart " + box.group(1) + " scales to the page");
        }
        assertEquals(2, boxes, "the side-by-side bars and the timelines");
        Matcher label = LABEL_END.matcher(dom);
        int labels = 0;
        while (label.find()) {
            labels++;
            assertTrue(Double.parseDouble(label.group(2)) <= width, label.group(1) + " ends at " + label.group(2) + ", past the width " + width);
        }
        assertTrue(labels >= 3 + 5 + 5, "the panel titles, the run labels and the time axis were measured: " + labels);
        for (String run : List.of("active-active", "active-passive", "cold")) {
            assertEquals(2, count(dom, "class=\"bar\" data-run=\"" + run + "\" data-series=\"rto-"), run + ": an RTO bar per layer");
            assertEquals(1, count(dom, "class=\"bar\" data-run=\"" + run + "\" data-series=\"rpo\""), run + ": its RPO bar");
        }
        assertEquals(3, count(dom, "class=\"bar\" data-run=\"cold\" data-series=\"running-"), "cold: a stacked bar per cost driver");
        assertEquals(0, count(dom, "data-run=\"not run\" data-series=\"rto-"), "a run whose step did not run draws no RTO");
        assertEquals(1, count(dom, "class=\"lost\" data-run=\"cold\""), "cold's lost writes are marked on its timeline");
        assertTrue(count(dom, "class=\"tbar failed\" data-run=\"cold\"") >= 12, "cold's outage is drawn");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
