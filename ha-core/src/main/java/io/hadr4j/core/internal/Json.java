package io.hadr4j.core.internal;

import java.util.Collection;
import java.util.Map;

/**
 * JSON text for hadr4j's own outputs (health responses, drill reports), so that ha-core needs no JSON library.
 * Not API: it may change in any release.
 */
public final class Json {

    private Json() {
    }

    /**
     * {@code value} as JSON, indented by two spaces a level: maps become objects (entries with a null value left
     * out), collections arrays, numbers and booleans themselves (a number must be finite), anything else a string.
     */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                out.append(first ? "" : ",");
                first = false;
                newline(out, depth + 1);
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), depth + 1);
            }
            if (!first) {
                newline(out, depth);
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object v : list) {
                out.append(first ? "" : ",");
                first = false;
                newline(out, depth + 1);
                write(out, v, depth + 1);
            }
            if (!first) {
                newline(out, depth);
            }
            out.append(']');
        } else if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Number) {
            if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
                throw new IllegalArgumentException("JSON has no " + value);
            }
            out.append(value);
        } else {
            string(out, value.toString());
        }
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    /** Appends {@code s} as a JSON string: quoted, escaped, and safe to put in UTF-8 (a lone surrogate is escaped). */
    public static void string(StringBuilder out, String s) {
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
