package io.hadr4j.core.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The self-contained pages of the drill reports: a template of ha-core's jar with the report's JSON inside. */
final class Pages {
    private Pages() {
    }

    /**
     * The template {@code htmlFile} (a resource beside this class) with {@code marker} replaced by {@code json}, and
     * the style and script every drill page shares (drill-page.css, drill-page.js) put in their places.
     */
    static String html(String htmlFile, String marker, String json) {
        // "</" cannot end the script element early once escaped.
        return resource(htmlFile)
                .replace("/*DRILL-PAGE-CSS*/", resource("drill-page.css"))
                .replace("/*DRILL-PAGE-JS*/", resource("drill-page.js"))
                .replace(marker, json.replace("</", "<\\/"));
    }

    private static String resource(String name) {
        try (InputStream in = Pages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from ha-core's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + name + " from ha-core's jar", e);
        }
    }

    /** Writes the JSON and the page into {@code dir} (created when missing) and returns the page's file. */
    static Path write(Path dir, String jsonFile, String json, String htmlFile, String html) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(jsonFile), json, StandardCharsets.UTF_8);
        Path page = dir.resolve(htmlFile);
        Files.writeString(page, html, StandardCharsets.UTF_8);
        return page;
    }
}
