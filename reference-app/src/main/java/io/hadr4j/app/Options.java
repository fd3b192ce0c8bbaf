package io.hadr4j.app;

import io.hadr4j.core.Secrets;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Command-line flags ({@code --name value} or {@code --name=value}; only those read with {@link #all} repeat)
 * with environment-variable fallbacks, parsed and checked up front. Every problem is a {@link ConfigException}
 * whose message says what to change.
 */
final class Options {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final Map<String, List<String>> flags = new LinkedHashMap<>();
    private final Function<String, String> env;
    private final Set<String> known = new TreeSet<>();

    private Options(Function<String, String> env) {
        this.env = env;
    }

    static Options parse(List<String> args, Function<String, String> env) {
        Options o = new Options(env);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("unexpected argument '" + arg + "': flags look like --name value");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                value = "true";
            }
            o.flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return o;
    }

    /**
     * The flag's value, else the first set environment variable among {@code envNames}, else {@code def}. A flag that
     * takes one value and is given more than once is refused (which one was meant is a guess).
     */
    String string(String flag, String def, String... envNames) {
        known.add(flag);
        List<String> values = flags.get(flag);
        if (values != null) {
            if (values.size() > 1) {
                throw new ConfigException("--" + flag + " is given " + values.size() + " times (" + values.stream()
                        .map(v -> "'" + Secrets.mask(v) + "'").collect(Collectors.joining(", "))
                        + ") but takes one value: keep one of them");
            }
            return values.get(0);
        }
        for (String e : envNames) {
            String v = env.apply(e);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return def;
    }

    /** Only from the environment: for secrets, which must not appear on a command line that {@code ps} shows. */
    String secretFromEnvironment(String envName) {
        // a flag named for a secret carries one; one that names a secret by its id (--db-secret-id OCID) does not
        String given = flags.keySet().stream().filter(f -> Secrets.isSecretName(f) && !f.endsWith("-id")).findFirst().orElse(null);
        if (given != null) {
            throw new ConfigException("passwords are not accepted as flags (other users can read a command line): remove --" + given
                    + " and set " + envName + " in the environment instead");
        }
        return env.apply(envName);
    }

    /** Every value of a repeatable flag, else the environment variable's whitespace-separated values. */
    List<String> all(String flag, String envName) {
        known.add(flag);
        List<String> values = flags.get(flag);
        if (values != null) {
            return List.copyOf(values);
        }
        String v = env.apply(envName);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : v.trim().split("\\s+")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    boolean flag(String flag) {
        known.add(flag);
        return flags.containsKey(flag) && !"false".equals(string(flag, "false"));
    }

    int port(String flag, int def, String... envNames) {
        return integer(flag, def, 0, 65535, "a TCP port from 1 to 65535 (or 0 for any free port)", envNames);
    }

    int positiveInt(String flag, int def) {
        return integer(flag, def, 1, Integer.MAX_VALUE, "1 or more");
    }

    /** The flag's whole number from {@code min} to {@code max}, else the environment's, else {@code def}. */
    private int integer(String flag, int def, int min, int max, String what, String... envNames) {
        String v = string(flag, null, envNames);
        if (v == null) {
            return def;
        }
        int n;
        try {
            n = integer(flag, v);
        } catch (ConfigException notAnInt) {
            if (v.trim().matches("-?\\d+")) { // a whole number, just too large for an int
                throw new ConfigException("--" + flag + " must be " + what + ", got '" + v + "'");
            }
            throw notAnInt;
        }
        if (n < min || n > max) {
            throw new ConfigException("--" + flag + " must be " + what + ", got '" + v + "'");
        }
        return n;
    }

    /** The longest duration any flag takes unless it names its own bounds: a week. */
    static final Duration MAX_DURATION = Duration.ofDays(7);

    /** {@link #duration(String, Duration, Duration, Duration)} from zero to {@link #MAX_DURATION}. */
    Duration duration(String flag, Duration def) {
        return duration(flag, def, Duration.ZERO, MAX_DURATION);
    }

    /** The flag's duration ({@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}), from {@code min} to {@code max}; else {@code def}. */
    Duration duration(String flag, Duration def, Duration min, Duration max) {
        String v = string(flag, null);
        if (v == null) {
            return def;
        }
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw new ConfigException("--" + flag + " must be a duration such as 500ms, 2s, 5m or 1h, got '" + v + "'");
        }
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": d = Duration.ofMillis(n); break;
                case "s": d = Duration.ofSeconds(n); break;
                case "m": d = Duration.ofMinutes(n); break;
                default: d = Duration.ofHours(n); break;
            }
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            d = null;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException("--" + flag + " must be from " + text(min) + " to " + text(max) + ", got '" + v + "'");
        }
        return d;
    }

    /** A duration as a flag takes it: 1h, 5m, 2s or 500ms. */
    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms != 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms != 0 && ms % 1_000 == 0) return ms / 1_000 + "s";
        return ms + "ms";
    }

    /** Fails on flags that no getter asked for: a typo must not be silently ignored. Call after reading every flag. */
    void rejectUnknown(String command) {
        for (String f : flags.keySet()) {
            if (!known.contains(f)) {
                throw new ConfigException("unknown flag --" + f + " for '" + command + "'; the flags it takes are: --"
                        + String.join(", --", known));
            }
        }
    }

    /** A port that cannot be bound (Jetty wraps the BindException in an IOException). */
    static ConfigException portInUse(int port, IOException e) {
        return new ConfigException("cannot listen on port " + port + " (" + e.getMessage()
                + "): another program uses it; pass --port with a free port, or 0 for any free port");
    }

    private static int integer(String flag, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + flag + " must be a whole number, got '" + v + "'");
        }
    }

    /** Bad configuration: the message says what to change. */
    static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The message is masked here, once: it may quote a flag's value or another component's error. */
        ConfigException(String message) {
            super(io.hadr4j.core.Secrets.mask(message));
        }
    }
}
