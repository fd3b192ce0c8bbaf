package io.hadr4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code bench/run soak}: {@code --changes N} (role changes, default 52: 13 of each kind),
 * {@code --kinds a,b,...} (the order they alternate in), {@code --writers N}, {@code --readers N} and
 * {@code --pause-ms N} (each worker's pause between two calls, so that 20 workers do not take the whole of a small
 * shared machine), {@code --max-recovery-seconds N} and {@code --await-full-pools true|false}: whether each fault
 * also waits until the pool of the node about to be promoted holds its {@code minimumIdle} connections again (default
 * false: a fault starts as soon as the re-attached standby streams synchronously, whatever its pool holds). A bad
 * value fails here, with what to type instead.
 */
record SoakOptions(int changes, List<Kind> kinds, int writers, int readers, int pauseMs, int maxRecoverySeconds,
                   boolean awaitFullPools) {

    /** The four kinds of role change, in the order they alternate by default. */
    enum Kind {
        SWITCHOVER("switchover"), KILL("kill"), DEMOTE("demote"), BLACKHOLE("blackhole");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        static Kind of(String s) {
            for (Kind k : values()) {
                if (k.label.equals(s.strip().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown kind '" + s + "' in --kinds: choose from switchover, kill, demote, blackhole");
        }
    }

    static final String USAGE = "usage: bench/run soak [--changes N (default 52)] [--kinds switchover,kill,demote,blackhole] "
            + "[--writers N (16)] [--readers N (4)] [--pause-ms N (10)] [--max-recovery-seconds N (60)] "
            + "[--await-full-pools true|false (false)]";

    static SoakOptions defaults() {
        return new SoakOptions(52, List.of(Kind.values()), 16, 4, 10, 60, false);
    }

    static SoakOptions parse(String... args) {
        SoakOptions o = defaults();
        int changes = o.changes;
        List<Kind> kinds = o.kinds;
        int writers = o.writers;
        int readers = o.readers;
        int pauseMs = o.pauseMs;
        int maxRecovery = o.maxRecoverySeconds;
        boolean awaitFullPools = o.awaitFullPools;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value, for example " + flag + " " + example(flag) + "; " + USAGE
                        : "unexpected argument '" + flag + "'; " + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--changes" -> changes = number(flag, value, 1, 10_000);
                case "--writers" -> writers = number(flag, value, 1, 64);
                case "--readers" -> readers = number(flag, value, 0, 64);
                case "--pause-ms" -> pauseMs = number(flag, value, 0, 1000);
                case "--max-recovery-seconds" -> maxRecovery = number(flag, value, 1, 600);
                case "--await-full-pools" -> awaitFullPools = bool(flag, value);
                case "--kinds" -> {
                    List<Kind> list = new ArrayList<>();
                    for (String s : value.split(",")) {
                        if (!s.isBlank()) {
                            Kind k = Kind.of(s);
                            if (list.contains(k)) {
                                throw new IllegalArgumentException("--kinds names '" + k.label + "' twice; name each kind once, for example --kinds kill,blackhole");
                            }
                            list.add(k);
                        }
                    }
                    if (list.isEmpty()) {
                        throw new IllegalArgumentException("--kinds needs at least one of switchover, kill, demote, blackhole");
                    }
                    kinds = List.copyOf(list);
                }
                default -> throw new IllegalArgumentException("unknown option '" + flag + "'; " + USAGE);
            }
        }
        return new SoakOptions(changes, kinds, writers, readers, pauseMs, maxRecovery, awaitFullPools);
    }

    /** The kind of the {@code i}-th change (from 0): the kinds in turn. */
    Kind kindOf(int i) {
        return kinds.get(i % kinds.size());
    }

    private static String example(String flag) {
        return switch (flag) {
            case "--kinds" -> "kill,blackhole";
            case "--changes" -> "8";
            case "--await-full-pools" -> "true";
            default -> "4";
        };
    }

    private static boolean bool(String flag, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(flag + " takes true or false, got '" + value + "'");
        };
    }

    private static int number(String flag, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a whole number from " + min + " to " + max + ", got '" + value + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + " takes a whole number from " + min + " to " + max + ", got " + n);
        }
        return n;
    }
}
