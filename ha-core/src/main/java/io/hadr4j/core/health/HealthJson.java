package io.hadr4j.core.health;

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
        string(out, report.status().name());
        out.append(",\"checks\":[");
        boolean first = true;
        for (HealthReport.Entry entry : report.checks()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"name\":");
            string(out, entry.name());
            out.append(",\"status\":");
            string(out, entry.status().name());
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
            string(out, e.getKey());
            out.append(':');
            Object value = e.getValue();
            if (value instanceof Boolean || value instanceof Number) {
                out.append(value); // HealthResult keeps only finite numbers, whose toString() is valid JSON
            } else {
                string(out, String.valueOf(value));
            }
        }
        out.append('}');
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !validSurrogateAt(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A lone surrogate cannot be encoded in UTF-8; escape it instead of letting it become '?'. */
    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
