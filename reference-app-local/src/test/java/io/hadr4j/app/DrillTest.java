package io.hadr4j.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.core.drill.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code drill} command end to end against a fresh {@code local} setup, with short timings: both report
 * files, numeric RTO per layer and RPO for every step that ran, and a chart that headless Chromium renders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrillTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private int exitCode;
    private String output;

    @BeforeAll
    void runDrill(@TempDir Path dir) {
        this.dir = dir;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        exitCode = LocalMain.run(new String[] {"drill", "--out", dir.toString(), "--port", "0",
                "--probe-interval", "300ms", "--probe-timeout", "250ms", "--health-interval", "500ms",
                "--router-probe-interval", "500ms", "--request-interval", "50ms", "--settle", "2s", "--step-timeout", "90s"},
                print, print, System::getenv);
        output = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportHasNumericRtoAndRpoForEveryStep() throws Exception {
        assertEquals(Main.OK, exitCode, output);
        JsonNode report = JSON.readTree(dir.resolve(DrillReport.JSON_FILE).toFile());
        JsonNode steps = report.get("steps");
        List<String> names = List.of(DrillCommand.STOP_APP, DrillCommand.SWITCHOVER, DrillCommand.FAILOVER, DrillCommand.RESTORE_STEP);
        assertEquals(names.size(), steps.size(), report.toPrettyString());
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            assertEquals(names.get(i), step.get("name").asText());
            assertTrue(step.get("ran").asBoolean(), step.toString());
            for (String layer : List.of(Layer.ENTRY.id(), Layer.DB_WRITE.id())) {
                assertTrue(step.get("rtoMillis").get(layer).isIntegralNumber(), layer + " RTO of " + step);
                assertTrue(step.get("rtoMillis").get(layer).asLong() >= 0, step.toString());
            }
            assertTrue(step.get("rpoLostWrites").isIntegralNumber(), step.toString());
            assertTrue(step.get("rpoSeconds").isNumber(), step.toString());
            assertTrue(step.get("passed").isBoolean(), step.toString());
            assertTrue(step.get("passed").asBoolean(), "objectives of 5 min / 1 min are met locally: " + step);
        }
        JsonNode first = steps.get(0);
        assertTrue(first.get("rtoMillis").get(Layer.ENTRY.id()).asLong() > 0, "stopping region A's app is seen through the entry: " + first);
        assertEquals(0, steps.get(1).get("rpoLostWrites").asInt(), "a planned switchover loses nothing: " + steps.get(1));
        JsonNode restore = steps.get(3);
        assertTrue(restore.get("rtoMillis").get(Layer.RESTORE.id()).asLong() > 0, "the restore takes time: " + restore);
        assertEquals(0, restore.get("rpoLostWrites").asInt(), "the copy holds every write acknowledged before the restore point: " + restore);
        assertTrue(restore.get("note").asText().contains("verification: passed"), restore.toString());
        assertTrue(report.get("timeline").size() > 0);
        String html = Files.readString(dir.resolve(DrillReport.HTML_FILE));
        assertFalse(html.contains("http://") && html.matches("(?s).*(src|href)=\"https?://.*"), "the page fetches nothing");
    }

    @Test
    void headlessChromiumRendersTheTimelineChart() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: /usr/bin/chromium is absent (install it with: apt-get install -y chromium)");
        assertEquals(Main.OK, exitCode, output);
        Path profile = dir.resolve("chromium-profile");
        Path dom = dir.resolve("dom.html");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--dump-dom", dir.resolve(DrillReport.HTML_FILE).toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish within 90 s");
        }
        assertEquals(0, p.exitValue());
        String rendered = Files.readString(dom);
        assertTrue(rendered.contains("data-rendered=\"true\""), "the page's script ran to the end");
        assertTrue(rendered.contains("<svg id=\"timeline\""), "the chart is there");
        for (String layer : List.of(Layer.ENTRY.id(), Layer.DB_WRITE.id())) {
            assertTrue(count(rendered, "class=\"bar ok\" data-layer=\"" + layer + "\"") > 0, "bars of layer " + layer);
        }
        assertTrue(count(rendered, "class=\"bar failed\"") > 0, "failed operations are drawn");
        assertTrue(count(rendered, "class=\"step\"") >= 3, "one band per step that ran");
        assertEquals(4, count(rendered, "class=\"step-row\""), "one table row per step");
        Matcher heights = Pattern.compile("class=\"bar ok\"[^>]* height=\"([0-9.]+)\"").matcher(rendered);
        assertTrue(heights.find() && Double.parseDouble(heights.group(1)) > 0, "bars have a height");
    }

    @Test
    void drillsADeploymentGivenByUrlsWithACommandPerFault(@TempDir Path out) throws Exception {
        GlobalEntry.ProbeSettings probe = new GlobalEntry.ProbeSettings("/health", "HEAD", Duration.ofMillis(300), 4, 3, Duration.ofMillis(250));
        try (LocalSetup setup = LocalSetup.start(LocalSetup.Settings.forTests(probe, Strategy.ACTIVE_PASSIVE),
                new PrintStream(OutputStream.nullOutputStream()))) {
            List<String> args = new ArrayList<>(List.of("drill", "--out", out.toString(), "--entry", setup.entryUri().toString(),
                    "--db-user", setup.dbUser(), "--request-interval", "50ms", "--settle", "2s", "--step-timeout", "60s",
                    "--stop-app-command", "kill " + setup.appPid("a")));
            for (AppConfig.DbEndpoint e : setup.dbEndpoints()) {
                args.add("--db");
                args.add(e.spec());
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(text, true, StandardCharsets.UTF_8);
            int code = LocalMain.run(args.toArray(String[]::new), print, print, Map.of(AppConfig.ENV_DB_PASSWORD, setup.dbPassword().reveal())::get);
            String output = text.toString(StandardCharsets.UTF_8);
            assertEquals(Main.OK, code, output);
            assertFalse(setup.appAlive("a"), "the stop command ran");
            JsonNode steps = JSON.readTree(out.resolve(DrillReport.JSON_FILE).toFile()).get("steps");
            assertTrue(steps.get(0).get("ran").asBoolean() && steps.get(0).get("rtoMillis").get(Layer.ENTRY.id()).asLong() > 0, steps.toString());
            for (int i = 1; i < steps.size(); i++) {
                assertFalse(steps.get(i).get("ran").asBoolean(), "no command, no step: " + steps.get(i));
                assertTrue(steps.get(i).get("note").asText().startsWith("not run:"), steps.get(i).toString());
            }
            assertFalse(output.contains(setup.dbPassword().reveal()), "the password is not printed");
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
