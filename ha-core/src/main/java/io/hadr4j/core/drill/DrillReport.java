package io.hadr4j.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a drill measured, written as {@code drill-report.json} and as {@code drill-report.html}: a
 * self-contained page (inline CSS and script, nothing fetched) with a timeline of operation outcomes per
 * second per layer and the RTO/RPO table.
 */
record DrillReport(String startedAt, String finishedAt, String entry, long rtoObjectiveMillis, double rpoObjectiveSeconds,
                   boolean passed, List<Step> steps, List<Bucket> timeline) {
    static final String JSON_FILE = "drill-report.json";
    static final String HTML_FILE = "drill-report.html";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    DrillReport(Instant startedAt, Instant finishedAt, String entry, long rtoObjectiveMillis, double rpoObjectiveSeconds,
                List<Step> steps, List<Bucket> timeline) {
        this(startedAt.toString(), finishedAt.toString(), entry, rtoObjectiveMillis, rpoObjectiveSeconds,
                steps.stream().allMatch(s -> !s.ran() || Boolean.TRUE.equals(s.passed())), steps, timeline);
    }

    /**
     * One step. Times are milliseconds since the drill started. {@code rtoMillis} maps each layer to its
     * recovery time; a step that did not run ({@code ran} false) has no measurements and says why in {@code note}.
     */
    record Step(String name, boolean ran, Long startMillis, Long endMillis, Map<String, Long> rtoMillis,
                Integer rpoLostWrites, Double rpoSeconds, Boolean passed, String note) {

        static Step notRun(String name, String why) {
            return new Step(name, false, null, null, null, null, null, null, why);
        }

        String summary() {
            if (!ran) {
                return name + ": NOT RUN (" + note + ")";
            }
            return name + ": RTO " + rtoMillis + " ms, RPO " + rpoLostWrites + " lost writes over " + rpoSeconds + " s -> "
                    + (passed ? "PASSED" : "FAILED") + (note == null ? "" : " (" + note + ")");
        }
    }

    /** Outcomes of one layer's operations in one second of the drill. */
    record Bucket(long second, String layer, int ok, int failed) {
    }

    static List<Bucket> timeline(Collection<Drill.Sample> samples, List<String> layers) {
        List<Bucket> out = new ArrayList<>();
        for (String layer : layers) {
            TreeMap<Long, int[]> perSecond = new TreeMap<>();
            for (Drill.Sample s : samples) {
                if (s.layer().equals(layer)) {
                    perSecond.computeIfAbsent(s.atMillis() / 1000, k -> new int[2])[s.ok() ? 0 : 1]++;
                }
            }
            perSecond.forEach((second, n) -> out.add(new Bucket(second, layer, n[0], n[1])));
        }
        return out;
    }

    /** Writes both files into {@code dir} and returns the HTML file. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String json = JSON.writeValueAsString(this);
        Files.writeString(dir.resolve(JSON_FILE), json, StandardCharsets.UTF_8);
        String template;
        try (var in = DrillReport.class.getResourceAsStream("drill-report.html")) {
            if (in == null) {
                throw new IllegalStateException("drill-report.html template missing from the jar");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path html = dir.resolve(HTML_FILE);
        // "</" cannot end the script element early once escaped.
        Files.writeString(html, template.replace("/*REPORT*/null", json.replace("</", "<\\/")), StandardCharsets.UTF_8);
        return html;
    }
}
