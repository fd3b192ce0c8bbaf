package io.hadr4j.core.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report page drawn by headless Chromium: the chart scales to the page, and no label runs past its right edge,
 * for a drill of a minute and for one of three hours whose last step starts near the end.
 */
class DrillReportPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern VIEW_BOX = Pattern.compile("<svg id=\"timeline\" viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"");
    private static final Pattern LABEL_END = Pattern.compile("class=\"(step-label|axis)\"[^>]*data-end=\"([0-9.]+)\"");

    /** A report of {@code seconds} with a step every {@code seconds / steps}, the last one just before the end. */
    static DrillReport report(int seconds, int steps) {
        List<DrillReport.StepResult> results = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            long start = (long) (seconds * 1000L * (i + 1.0) / (steps + 0.1));
            long end = Math.min(seconds * 1000L, start + 20_000);
            results.add(new DrillReport.StepResult(i == steps - 1 ? "point-in-time restore before a bad delete, verified" : "step " + (i + 1),
                    true, start, end, Map.of(Layer.ENTRY, 1500L, Layer.DB_WRITE, 40L), 0, 0.0, true, null));
        }
        List<DrillReport.Bucket> timeline = new ArrayList<>();
        for (int s = 0; s <= seconds; s++) {
            timeline.add(new DrillReport.Bucket(s, Layer.ENTRY, 9, s % 97 == 0 ? 1 : 0));
            timeline.add(new DrillReport.Bucket(s, Layer.DB_WRITE, 10, 0));
        }
        timeline.sort((a, b) -> a.layer() == b.layer() ? Long.compare(a.second(), b.second()) : a.layer().compareTo(b.layer()));
        return new DrillReport(Instant.EPOCH, Instant.EPOCH.plusSeconds(seconds), "https://entry.example/api/info", Objectives.DEFAULT,
                results, timeline);
    }

    @Test
    void theChartFitsItsPageAtAnyDrillLength(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: /usr/bin/chromium is absent (install it with: apt-get install -y chromium)");
        for (int seconds : new int[] {60, 3 * 3600}) {
            Path html = report(seconds, 4).write(dir.resolve("d" + seconds));
            String dom = dumpDom(html, dir.resolve("profile"));
            assertTrue(dom.contains("data-rendered=\"true\""), "the page's script ran to the end");
            Matcher box = VIEW_BOX.matcher(dom);
            assertTrue(box.find(), "the chart has a view box");
            double width = Double.parseDouble(box.group(1));
            assertTrue(dom.contains("style=\"width:100%;height:auto;max-width:" + box.group(1) + "px\""),
                    "the chart scales to the page's width: " + dom.substring(box.start(), Math.min(dom.length(), box.start() + 300)));
            Matcher label = LABEL_END.matcher(dom);
            int labels = 0;
            while (label.find()) {
                labels++;
                assertTrue(Double.parseDouble(label.group(2)) <= width, label.group(1) + " ends at " + label.group(2)
                        + ", past the chart's width " + width + " (" + seconds + " s drill)");
            }
            assertTrue(labels >= 4 + 5, "every step label and the axis ticks were measured: " + labels);
        }
    }

    static String dumpDom(Path html, Path profile) throws Exception {
        Path out = Files.createTempFile(profile.getParent(), "dom-", ".html");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile, "--dump-dom", html.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish within 90 s");
        }
        assertEquals(0, p.exitValue(), "chromium's exit code");
        return Files.readString(out);
    }
}
