package io.hadr4j.bench;

import io.hadr4j.bench.SoakOptions.Kind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The soak's figures, apart from the database so that their arithmetic and the RESULT line can be checked alone:
 * one {@link Change} per role change, and the totals found at the end.
 */
final class SoakFigures {
    /** A recovery that did not happen within the wait: sorts last and prints as "never". */
    static final long NEVER = Long.MAX_VALUE;

    /**
     * One role change: recovery from the new primary answering writable to the first write it acknowledged through
     * hadr4j ({@link #NEVER} if none came within the wait), the longest call (write or read) that ended in the change
     * or was still blocked at its end, and the calls that failed during it.
     */
    record Change(int index, Kind kind, String from, String to, long recoveryMs, long longestCallMs, long failedCalls) {
        String describe() {
            return String.format(Locale.ROOT, "change %3d %-10s %s -> %s: recovery %s, longest call %d ms, failed calls %d",
                    index, kind.label, from, to, ms(recoveryMs), longestCallMs, failedCalls);
        }
    }

    /** What is found at the end of the run. */
    record Totals(long acknowledgedWrites, long lostWrites, long staleWrites, long leakedThreads, long leakedConnections,
                  long heapStartBytes, long heapEndBytes) {
        double heapGrowthPct() {
            return heapStartBytes <= 0 ? 0 : 100.0 * (heapEndBytes - heapStartBytes) / heapStartBytes;
        }
    }

    /** A primary the run made: its server port and timeline, and when a newer one was seen writable (MAX_VALUE: never). */
    record Primary(String node, int port, long timeline, long supersededAtNanos) {
    }

    /** A write acknowledged by another server than the newest primary known at the moment of the acknowledgement. */
    record Suspect(int writer, long seq, long callStartNanos, int port, long timeline) {
    }

    /**
     * The primary that acknowledged {@code s}, if it is stale: the write's call started after that primary was
     * superseded, or the (port, timeline) that acknowledged it never was a primary of this run (then a Primary with a
     * null node). Empty when the write reached the newest primary of the moment its call started.
     */
    static java.util.Optional<Primary> staleFor(Suspect s, List<Primary> history) {
        for (Primary p : history) {
            if (p.port() == s.port() && p.timeline() == s.timeline()) {
                return s.callStartNanos() >= p.supersededAtNanos() ? java.util.Optional.of(p) : java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(new Primary(null, s.port(), s.timeline(), Long.MIN_VALUE));
    }

    private final List<Change> changes = new ArrayList<>();

    void add(Change c) {
        changes.add(c);
    }

    List<Change> changes() {
        return List.copyOf(changes);
    }

    /** Nearest-rank percentile ({@code p} in 0..100) of {@code values}; {@link #NEVER} for none. */
    static long percentile(Collection<Long> values, double p) {
        if (values.isEmpty()) {
            return NEVER;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static String ms(long v) {
        return v == NEVER ? "never" : v + " ms";
    }

    private static String num(long v) {
        return v == NEVER ? "never" : String.valueOf(v);
    }

    /** One line per kind that ran: recovery p50/p95/max, how many did not recover, the longest call. */
    List<String> perKind() {
        List<String> lines = new ArrayList<>();
        for (Kind k : Kind.values()) {
            List<Change> of = changes.stream().filter(c -> c.kind() == k).toList();
            if (of.isEmpty()) {
                continue;
            }
            List<Long> rec = of.stream().map(Change::recoveryMs).toList();
            long notRecovered = rec.stream().filter(v -> v == NEVER).count();
            long longest = of.stream().mapToLong(Change::longestCallMs).max().orElse(0);
            lines.add(String.format(Locale.ROOT, "%-10s n=%d recovery p50 %s, p95 %s, max %s, not recovered %d; longest blocked call %d ms",
                    k.label, of.size(), ms(percentile(rec, 50)), ms(percentile(rec, 95)), ms(percentile(rec, 100)), notRecovered, longest));
        }
        return lines;
    }

    long longestCallMs() {
        return changes.stream().mapToLong(Change::longestCallMs).max().orElse(0);
    }

    /** The run's one RESULT line; recovery over all changes. */
    String resultLine(Totals t) {
        List<Long> rec = changes.stream().map(Change::recoveryMs).toList();
        return String.format(Locale.ROOT, "RESULT soak changes=%d p95Ms=%s maxMs=%s lostSync=%d staleWrites=%d leakedThreads=%d "
                        + "leakedConnections=%d heapGrowthPct=%.1f",
                changes.size(), num(percentile(rec, 95)), num(percentile(rec, 100)), t.lostWrites(), t.staleWrites(), t.leakedThreads(),
                t.leakedConnections(), t.heapGrowthPct());
    }
}
