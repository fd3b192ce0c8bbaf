package io.hadr4j.core.drill;

import io.hadr4j.core.internal.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several drills side by side, written as {@value #JSON_FILE} and as {@value #HTML_FILE} (self-contained: inline CSS
 * and script, nothing fetched). Each {@link Run} is one drill of one setup (a DR strategy, a configuration): what was
 * expected of it, what ran before the disaster (the cost drivers), and what its drill measured in its first step, the
 * disaster: the RTO per layer, the operations that failed meanwhile, and the RPO (acknowledged writes lost and the span
 * they were acknowledged in). The page shows the expectations beside the measured figures in one table, draws the runs
 * side by side (RTO per layer, RPO, what ran before: one bar chart each) and each run's outcomes per second around its
 * disaster, aligned at the disaster's start.
 *
 * <pre>{@code
 * DrillComparison c = DrillComparison.of("DR strategies, measured", List.of(
 *         new DrillComparison.Run("active-passive", "only region A serves", expected, Map.of("app instances", 2), Map.of(), report)));
 * c.write(Path.of("target/drill"));
 * }</pre>
 *
 * @param generatedAt when the comparison was made (ISO-8601 instant)
 */
public record DrillComparison(String title, String generatedAt, List<Run> runs) implements DrillOutcome {
    public static final String JSON_FILE = "drill-comparison.json";
    public static final String HTML_FILE = "drill-comparison.html";

    public DrillComparison {
        Check.that(title != null && !title.isBlank(), "a comparison needs a title for its page, such as \"DR strategies, measured\"");
        Check.that(generatedAt != null, "generatedAt: give an ISO-8601 instant, such as Instant.now().toString()");
        Check.that(runs != null && !runs.isEmpty(), "a comparison needs at least one run: of(title, List.of(new Run(...)))");
        runs = List.copyOf(runs);
        Set<String> names = new HashSet<>();
        for (Run r : runs) {
            Check.that(names.add(r.name()), "two runs are named '" + r.name() + "': give each run its own name");
        }
    }

    /** A comparison of {@code runs}, made now. */
    public static DrillComparison of(String title, List<Run> runs) {
        return new DrillComparison(title, Instant.now().toString(), runs);
    }

    /**
     * What was claimed for a run before it was measured: its recovery time, its recovery point, and the capacity it keeps
     * (each null when not stated).
     */
    public record Expected(String rto, String rpo, String capacity) {
        public static final Expected NONE = new Expected(null, null, null);
    }

    /**
     * One drill of one setup. {@code runningBefore} counts what ran before the disaster (for example "app instances" 2,
     * "database servers" 1), in the order given; {@code details} are facts of the setup or of its recovery worth a line in
     * the report (for example the replication mode, or what a restore restored), also in order. Only the report's first
     * step is compared: give each run a drill whose first step is its disaster.
     */
    public record Run(String name, String description, Expected expected, Map<String, Integer> runningBefore,
                      Map<String, String> details, DrillReport report) {
        public Run {
            Check.that(name != null && !name.isBlank(), "a run needs a non-blank name for the report, such as \"active-passive\"");
            Check.that(report != null && !report.steps().isEmpty(), "run '" + name + "' needs the report of a drill with at least one step");
            description = description == null ? "" : description;
            expected = expected == null ? Expected.NONE : expected;
            runningBefore = Collections.unmodifiableMap(new LinkedHashMap<>(runningBefore == null ? Map.of() : runningBefore));
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details == null ? Map.of() : details));
        }

        /** The compared step: the report's first. */
        public DrillReport.StepResult step() {
            return report.steps().get(0);
        }

        /**
         * Per layer of the drill's workload, how many operations failed in the seconds the compared step spans (the
         * report's timeline counts per second); empty when the step did not run.
         */
        public Map<Layer, Integer> failedDuringStep() {
            Map<Layer, Integer> failed = new EnumMap<>(Layer.class);
            DrillReport.StepResult s = step();
            if (!s.ran()) {
                return failed;
            }
            long from = s.startMillis() / 1000;
            long to = s.endMillis() / 1000;
            for (DrillReport.Bucket b : report.timeline()) {
                failed.merge(b.layer(), b.second() >= from && b.second() <= to ? b.failed() : 0, Integer::sum);
            }
            return failed;
        }

        /** One line: the run's RTO per layer, its RPO and what ran before. */
        public String summary() {
            DrillReport.StepResult s = step();
            if (!s.ran()) {
                return name + ": NOT RUN (" + s.note() + ")";
            }
            return name + ": RTO " + s.rtoMillis() + " ms, RPO " + s.rpoLostWrites() + " lost writes over " + s.rpoSeconds()
                    + " s; running before: " + runningBefore + " -> " + (Boolean.TRUE.equals(s.passed()) ? "PASSED" : "FAILED")
                    + (s.note() == null ? "" : " (" + s.note() + ")");
        }
    }

    /** Whether every run's drill met its objectives. */
    @Override
    public boolean passed() {
        return runs.stream().allMatch(r -> r.report().passed());
    }

    /** Every run's {@link Run#summary()}, one a line, and the verdict. */
    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) {
            sb.append(r.summary()).append('\n');
        }
        return sb.append(passed() ? "every run met the objectives" : "some runs missed the objectives").toString();
    }

    /** {@value #JSON_FILE} and {@value #HTML_FILE}. */
    @Override
    public List<String> files() {
        return List.of(JSON_FILE, HTML_FILE);
    }

    /** The comparison as JSON: per run its expectations, what ran before, its measured figures, and its whole drill report. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("title", title);
        json.put("generatedAt", generatedAt);
        json.put("passed", passed());
        List<Object> list = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("name", r.name());
            run.put("description", r.description());
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("rto", r.expected().rto());
            expected.put("rpo", r.expected().rpo());
            expected.put("capacity", r.expected().capacity());
            run.put("expected", expected);
            run.put("runningBefore", r.runningBefore());
            run.put("details", r.details());
            DrillReport.StepResult s = r.step();
            Map<String, Object> measured = new LinkedHashMap<>();
            measured.put("step", s.name());
            measured.put("ran", s.ran());
            measured.put("passed", s.passed());
            measured.put("startMillis", s.startMillis());
            measured.put("endMillis", s.endMillis());
            if (s.rtoMillis() != null) {
                Map<String, Long> rto = new LinkedHashMap<>();
                s.rtoMillis().forEach((layer, ms) -> rto.put(layer.id(), ms));
                measured.put("rtoMillis", rto);
            }
            Map<String, Integer> failed = new LinkedHashMap<>();
            r.failedDuringStep().forEach((layer, n) -> failed.put(layer.id(), n));
            measured.put("failed", failed);
            measured.put("rpoLostWrites", s.rpoLostWrites());
            measured.put("rpoSeconds", s.rpoSeconds());
            measured.put("rpoFromMillis", s.rpoFromMillis());
            measured.put("note", s.note());
            run.put("measured", measured);
            run.put("drill", r.report().toMap());
            list.add(run);
        }
        json.put("runs", list);
        return Json.pretty(json);
    }

    /** The self-contained HTML page: the comparison's JSON inside, drawn by the page's own script. */
    public String toHtml() {
        return Pages.html(HTML_FILE, "/*COMPARISON*/null", toJson());
    }

    /** Writes {@value #JSON_FILE} and {@value #HTML_FILE} into {@code dir} (created when missing) and returns the HTML file. */
    @Override
    public Path write(Path dir) throws IOException {
        return Pages.write(dir, JSON_FILE, toJson(), HTML_FILE, toHtml());
    }
}
