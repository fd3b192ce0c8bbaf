package io.hadr4j.core.health;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.internal.Json;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes the MicroProfile Health JSON; small, allocation-light, and done only when results change. */
final class HealthJson {

    /** A pre-rendered response: the HTTP status and the body bytes (never modified once built). */
    record Rendered(int httpStatus, byte[] body) {
    }

    private HealthJson() {
    }

    static Rendered render(HealthReport report, boolean details) {
        StringBuilder out = new StringBuilder(64 + report.checks().size() * 64);
        out.append("{\"status\":");
        Json.string(out, report.status().name());
        out.append(",\"checks\":[");
        boolean first = true;
        for (HealthReport.Entry entry : report.checks()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"name\":");
            Json.string(out, Secrets.mask(entry.name())); // a name can be anything an application chose

            out.append(",\"status\":");
            Json.string(out, entry.status().name());
            if (details && !entry.data().isEmpty()) {
                out.append(",\"data\":");
                data(out, entry.data());
            }
            out.append('}');
        }
        out.append("]}");
        int httpStatus = report.status() == HealthStatus.UP ? 200 : 503;
        return new Rendered(httpStatus, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void data(StringBuilder out, Map<String, Object> data) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : data.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            Json.string(out, Secrets.mask(e.getKey()));
            out.append(':');
            Object value = e.getValue();
            if (value instanceof Boolean || value instanceof Number) {
                out.append(value); // HealthResult keeps only finite numbers, whose toString() is valid JSON
            } else { // HealthResult masked it when it was stored; masking again here keeps every output path on one rule
                Json.string(out, Secrets.mask(String.valueOf(value)));
            }
        }
        out.append('}');
    }
}
