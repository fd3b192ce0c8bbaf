package io.hadr4j.core.drill;

import io.hadr4j.core.internal.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a drill measured, written as {@value #JSON_FILE} and as {@value #HTML_FILE}: a self-contained page
 * (inline CSS and script, nothing fetched) with a timeline of operation outcomes per second per layer and the
 * RTO/RPO table. Times are milliseconds since the drill started, but {@code startedAt} and {@code finishedAt}
 * (ISO-8601 instants).
 */
public record DrillReport(String startedAt, String finishedAt, String entry, long rtoObjectiveMillis, double rpoObjectiveSeconds,
                          boolean passed, List<StepResult> steps, List<Bucket> timeline) implements DrillOutcome {
    public static final String JSON_FILE = "drill-report.json";
    public static final String HTML_FILE = "drill-report.html";

    public DrillReport {
        steps = List.copyOf(steps);
        timeline = List.copyOf(timeline);
    }

    DrillReport(Instant startedAt, Instant finishedAt, String entry, Objectives objectives, List<StepResult> steps, List<Bucket> timeline) {
        this(startedAt.toString(), finishedAt.toString(), entry, objectives.rto().toMillis(), objectives.rpo().toMillis() / 1000.0,
                steps.stream().allMatch(s -> !s.ran() || Boolean.TRUE.equals(s.passed())), steps, timeline);
    }

    /**
     * One step. {@code rtoMillis} maps each layer to its recovery time; {@code rpoFromMillis} is when the first lost
     * write had been acknowledged (null when none was lost), and {@code rpoSeconds} the span from it to the last lost
     * one; a step that did not run ({@code ran} false) has no measurements and says why in {@code note}.
     */
    public record StepResult(String name, boolean ran, Long startMillis, Long endMillis, Map<Layer, Long> rtoMillis,
                             Integer rpoLostWrites, Double rpoSeconds, Long rpoFromMillis, Boolean passed, String note) {
        public StepResult {
            if (rtoMillis != null) {
                Map<Layer, Long> copy = new EnumMap<>(Layer.class);
                copy.putAll(rtoMillis);
                rtoMillis = Collections.unmodifiableMap(copy);
            }
        }

        /** A step without the time of its first lost write. */
        public StepResult(String name, boolean ran, Long startMillis, Long endMillis, Map<Layer, Long> rtoMillis,
                          Integer rpoLostWrites, Double rpoSeconds, Boolean passed, String note) {
            this(name, ran, startMillis, endMillis, rtoMillis, rpoLostWrites, rpoSeconds, null, passed, note);
        }

        static StepResult notRun(String name, String why) {
            return new StepResult(name, false, null, null, null, null, null, null, null, why);
        }

        /** One line: the step, its RTO per layer, its RPO and its verdict. */
        public String summary() {
            if (!ran) {
                return name + ": NOT RUN (" + note + ")";
            }
            return name + ": RTO " + rtoMillis + " ms, RPO " + rpoLostWrites + " lost writes over " + rpoSeconds + " s -> "
                    + (passed ? "PASSED" : "FAILED") + (note == null ? "" : " (" + note + ")");
        }
    }

    /** Outcomes of one layer's operations in one second of the drill. */
    public record Bucket(long second, Layer layer, int ok, int failed) {
    }

    /** Every step's {@link StepResult#summary()}, one a line, and the verdict. */
    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (StepResult s : steps) {
            sb.append(s.summary()).append('\n');
        }
        return sb.append(passed ? "all steps met the objectives" : "some steps missed the objectives").toString();
    }

    /** {@value #JSON_FILE} and {@value #HTML_FILE}. */
    @Override
    public List<String> files() {
        return List.of(JSON_FILE, HTML_FILE);
    }

    /** The report as JSON (fields without a value left out). */
    public String toJson() {
        return Json.pretty(toMap());
    }

    /** The report as the maps and lists {@link #toJson()} writes. */
    Map<String, Object> toMap() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("startedAt", startedAt);
        json.put("finishedAt", finishedAt);
        json.put("entry", entry);
        json.put("rtoObjectiveMillis", rtoObjectiveMillis);
        json.put("rpoObjectiveSeconds", rpoObjectiveSeconds);
        json.put("passed", passed);
        List<Object> stepList = new ArrayList<>();
        for (StepResult s : steps) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("ran", s.ran());
            step.put("startMillis", s.startMillis());
            step.put("endMillis", s.endMillis());
            if (s.rtoMillis() != null) {
                Map<String, Long> rto = new LinkedHashMap<>();
                s.rtoMillis().forEach((layer, ms) -> rto.put(layer.id(), ms));
                step.put("rtoMillis", rto);
            }
            step.put("rpoLostWrites", s.rpoLostWrites());
            step.put("rpoSeconds", s.rpoSeconds());
            step.put("rpoFromMillis", s.rpoFromMillis());
            step.put("passed", s.passed());
            step.put("note", s.note());
            stepList.add(step);
        }
        json.put("steps", stepList);
        List<Object> buckets = new ArrayList<>();
        for (Bucket b : timeline) {
            Map<String, Object> bucket = new LinkedHashMap<>();
            bucket.put("second", b.second());
            bucket.put("layer", b.layer().id());
            bucket.put("ok", b.ok());
            bucket.put("failed", b.failed());
            buckets.add(bucket);
        }
        json.put("timeline", buckets);
        return json;
    }

    /** The self-contained HTML page: the report's JSON inside, drawn by the page's own script. */
    public String toHtml() {
        return Pages.html(HTML_FILE, "/*REPORT*/null", toJson());
    }

    /** Writes {@value #JSON_FILE} and {@value #HTML_FILE} into {@code dir} (created when missing) and returns the HTML file. */
    @Override
    public Path write(Path dir) throws IOException {
        return Pages.write(dir, JSON_FILE, toJson(), HTML_FILE, toHtml());
    }
}
