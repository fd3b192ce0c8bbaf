package io.hadr4j.app;

import io.hadr4j.core.drill.DrillComparison;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The four disaster-recovery strategies as {@code local} sets them up: which of region B's parts run before a disaster
 * (its app, its database), how the global entry routes between the regions, and what the strategy is claimed to cost
 * in RTO and RPO (the Azure seed's statements, which the drill measures).
 *
 * <ul>
 *   <li>{@link #ACTIVE_ACTIVE}: both apps serve, the entry splits traffic by weight (equal priorities); region B's
 *       database is a synchronous standby, so a commit waits for region B.</li>
 *   <li>{@link #ACTIVE_PASSIVE}: both apps run, only region A's serves while healthy (priority 1 and 2); asynchronous
 *       standby.</li>
 *   <li>{@link #WARM}: region B has the asynchronous standby and no app running (the least app capacity there is);
 *       the failover starts it (the scale-up).</li>
 *   <li>{@link #COLD}: region B has nothing running: region A's base backup and WAL archive are all there is; the
 *       failover restores region B's database from them, then starts region B's app on it.</li>
 * </ul>
 */
enum Strategy {
    ACTIVE_ACTIVE("active-active", "both regions serve: the entry splits traffic by weight; synchronous standby in region B",
            1, 1, true, Standby.SYNCHRONOUS,
            new DrillComparison.Expected("near zero", "near zero", "both regions run and serve (traffic split 50/50)")),
    ACTIVE_PASSIVE("active-passive", "both regions run, only region A serves while healthy; asynchronous standby in region B",
            1, 2, true, Standby.ASYNCHRONOUS,
            new DrillComparison.Expected("minutes", "seconds", "both regions run; only the primary region serves")),
    WARM("warm", "warm standby: region B has the database replica and no app running until the failover starts it",
            1, 2, false, Standby.ASYNCHRONOUS,
            new DrillComparison.Expected(null, null, "database replica + minimal app capacity, scaled up on disaster")),
    COLD("cold", "cold standby: only region A's base backup and WAL archive; the failover restores region B from them",
            1, 2, false, Standby.NONE,
            new DrillComparison.Expected("hours", "the backup frequency", "only backups; the secondary is restored from them"));

    /** What region B's database is before a disaster. */
    enum Standby {
        /** A streaming standby that every commit waits for. */
        SYNCHRONOUS("synchronous streaming standby in region B (a commit waits for it)"),
        /** A streaming standby that commits do not wait for. */
        ASYNCHRONOUS("asynchronous streaming standby in region B"),
        /** No database in region B: region A's base backup and its WAL archive (a segment at least every archive_timeout, 5 s). */
        NONE("no database in region B: region A's base backup and WAL archive (a segment at least every 5 s)");

        final String description;

        Standby(String description) {
            this.description = description;
        }
    }

    /** The strategy {@code local} and {@code drill} run when none is given. */
    static final Strategy DEFAULT = ACTIVE_PASSIVE;

    final String id;
    final String description;
    /** Region A's and region B's origin priority at the entry, unless the flags set them. */
    final int priorityA;
    final int priorityB;
    /** Whether region B's app runs before a disaster. */
    final boolean regionBAppRuns;
    final Standby standby;
    /** What the Azure seed states each strategy costs and achieves. */
    final DrillComparison.Expected expected;

    Strategy(String id, String description, int priorityA, int priorityB, boolean regionBAppRuns, Standby standby,
             DrillComparison.Expected expected) {
        this.id = id;
        this.description = description;
        this.priorityA = priorityA;
        this.priorityB = priorityB;
        this.regionBAppRuns = regionBAppRuns;
        this.standby = standby;
        this.expected = expected;
    }

    /** Every strategy's id, as a user types them. */
    static String ids() {
        return Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", "));
    }

    /** The strategy {@code id} names. */
    static Strategy of(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (Strategy s : values()) {
            if (s.id.equals(wanted)) {
                return s;
            }
        }
        throw new Options.ConfigException("unknown strategy '" + id + "' for --strategy: use one of " + ids()
                + " (or drill --compare to run all four)");
    }

    /** {@code --strategy}, or the default. */
    static Strategy from(Options o) {
        String given = o.string("strategy", null);
        return given == null ? DEFAULT : of(given);
    }

    /**
     * Checks origin priorities against this strategy: active-active needs them equal (equal priorities share traffic
     * by weight); the others need region A's tried first.
     */
    void checkPriorities(int a, int b) {
        if (this == ACTIVE_ACTIVE && a != b) {
            throw new Options.ConfigException("--strategy active-active shares traffic between origins of equal priority: give "
                    + "--priority-a and --priority-b the same value, or leave them out (both 1); got " + a + " and " + b);
        }
        if (this != ACTIVE_ACTIVE && a >= b) {
            throw new Options.ConfigException("--strategy " + id + " sends all traffic to region A while it is healthy: --priority-a "
                    + "must be lower (tried first) than --priority-b, or leave them out (1 and 2); got " + a + " and " + b
                    + (a == b ? "; equal priorities are --strategy active-active" : ""));
        }
    }

    /** All four, in the order the comparison shows them. */
    static List<Strategy> all() {
        return List.of(values());
    }

    @Override
    public String toString() {
        return id;
    }
}
