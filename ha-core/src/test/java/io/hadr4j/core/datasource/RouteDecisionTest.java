package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hadr4j.core.datasource.RouteDecision.Candidate;
import io.hadr4j.core.datasource.RouteDecision.Outcome;

/** The route decision on its own: observations in, route out; no threads, no database, no clock. */
class RouteDecisionTest {
    private static final long NONE = Long.MIN_VALUE;
    private static final Duration MAX_LAG = Duration.ofSeconds(5);

    @Test
    void theOnePrimaryWritesAndAFreshLocalSecondaryReads() {
        Outcome o = decide(7, primary("a", "r1", 1, 7), secondary("b", "r1", 2, 7, Duration.ofMillis(200)));
        assertEquals(0, o.writer());
        assertArrayEquals(new int[] {1}, o.readers());
        assertArrayEquals(new boolean[] {false, false}, o.fenced());
        assertNull(o.refusal());
        assertNull(o.splitBrain());
    }

    @Test
    void withoutAClaimWritesAreRefusedWithTheReasonAndReadsStillGoToAFreshSecondary() {
        Outcome o = decide(7, down("a", "r1", 1), secondary("b", "r1", 2, 7, Duration.ZERO));
        assertEquals(-1, o.writer());
        assertEquals("no endpoint reports itself a writable primary", o.refusal());
        assertEquals(Router.SQLSTATE_NO_PRIMARY, o.sqlState());
        assertArrayEquals(new int[] {1}, o.readers());
    }

    @Test
    void aPrimaryOnAnOlderEpochIsFencedAndTheRefusalNamesTheEpochFile() {
        Candidate[] in = {primary("a", "r1", 1, 6), secondary("b", "r2", 2, 6, Duration.ZERO)};
        Outcome o = RouteDecision.decide(in, 7, "r1", MAX_LAG, Path.of("/var/lib/app/epoch"));
        assertEquals(-1, o.writer());
        assertTrue(o.fenced()[0]);
        assertTrue(o.refusal().startsWith("every endpoint that claims primary is fenced (its epoch is older than 7"), o.refusal());
        assertTrue(o.refusal().contains("kept in /var/lib/app/epoch; delete that file only if the database was rebuilt"), o.refusal());
        assertFalse(decide(7, in).refusal().contains("kept in"), "no epoch file, none named");
    }

    @Test
    void ofTwoClaimsTheNewerEpochWritesAndTheOlderIsFenced() {
        Outcome known = decide(8, primary("a", "r1", 1, 7), primary("b", "r2", 2, 8));
        assertEquals(1, known.writer());
        assertArrayEquals(new boolean[] {true, false}, known.fenced());
        assertNull(known.splitBrain(), "a claim older than the newest epoch is stale, not a rival");
        // Before any epoch is known to be the newest, the two claims are rivals: still only the newer one writes.
        Outcome o = decide(NONE, primary("a", "r1", 1, 7), primary("b", "r2", 2, 8));
        assertEquals(1, o.writer());
        assertEquals(1, o.chosen());
        assertArrayEquals(new boolean[] {true, false}, o.fenced());
        assertTrue(o.splitBrain().contains("writes go only to b, the newest epoch"), o.splitBrain());
        assertNull(o.refusal());
    }

    @Test
    void twoClaimsOnTheSameEpochFailClosed() {
        Outcome o = decide(8, primary("a", "r1", 1, 8), primary("b", "r2", 2, 8));
        assertEquals(-1, o.writer());
        assertEquals(-1, o.chosen());
        assertArrayEquals(new boolean[] {true, true}, o.fenced());
        assertEquals(Router.SQLSTATE_SPLIT_BRAIN, o.sqlState());
        assertEquals(o.splitBrain(), o.refusal());
        assertTrue(o.refusal().contains("a (epoch 8), b (epoch 8) all claim primary"), o.refusal());
    }

    @Test
    void twoClaimsWithoutEpochsFailClosedAsOnSqlServer() {
        Outcome o = decide(NONE, primary("a", "r1", 1, null), primary("b", "r2", 2, null));
        assertEquals(-1, o.writer());
        assertEquals(Router.SQLSTATE_SPLIT_BRAIN, o.sqlState());
        assertTrue(o.refusal().contains("a (epoch unknown), b (epoch unknown)"), o.refusal());
    }

    @Test
    void twoNamesOfOneServerCountOnceAndTheLowerPriorityWrites() {
        Candidate listener = new Candidate("listener", "r1", 2, seen(Role.PRIMARY, 5L, Duration.ZERO, "srv-1"), false);
        Candidate direct = new Candidate("direct", "r1", 1, seen(Role.PRIMARY, 5L, Duration.ZERO, "srv-1"), false);
        Outcome o = decide(5, listener, direct);
        assertEquals(1, o.writer());
        assertNull(o.splitBrain(), "one server is no split brain");
        assertArrayEquals(new boolean[] {false, false}, o.fenced());
        Candidate sameAgain = new Candidate("again", "r1", 2, seen(Role.PRIMARY, 5L, Duration.ZERO, "srv-1"), false);
        assertEquals(0, decide(5, listener, sameAgain).writer(), "same priority: the first named writes");
    }

    @Test
    void aSuspectWriterTakesNoWritesUntilConfirmedButStaysTheChosenOne() {
        Candidate a = new Candidate("a", "r1", 1, seen(Role.PRIMARY, 7L, Duration.ZERO, null), true);
        Outcome o = decide(7, a, secondary("b", "r1", 2, 7, Duration.ZERO));
        assertEquals(-1, o.writer());
        assertEquals(0, o.chosen());
        assertEquals("re-probing a after a connection error", o.refusal());
        assertEquals(Router.SQLSTATE_NO_PRIMARY, o.sqlState());
        assertArrayEquals(new int[] {1}, o.readers(), "reads are not withdrawn with the writer");
    }

    @Test
    void aReadOnlyNodeOnAnOlderEpochIsFencedButNotOneOnTheNewest() {
        Candidate stale = new Candidate("a", "r1", 1, seen(Role.READ_ONLY, 6L, null, null), false);
        Candidate current = new Candidate("c", "r1", 3, seen(Role.READ_ONLY, 7L, null, null), false);
        Outcome o = decide(7, stale, primary("b", "r2", 2, 7), current);
        assertEquals(1, o.writer());
        assertArrayEquals(new boolean[] {true, false, false}, o.fenced());
    }

    @Test
    void readsGoOnlyToFreshLocalSecondariesOnTheNewestEpochByPriority() {
        Outcome o = decide(7,
                primary("p", "r1", 1, 7),
                secondary("late", "r1", 9, 7, Duration.ofMillis(10)),
                secondary("remote", "r2", 2, 7, Duration.ZERO),
                secondary("lagging", "r1", 2, 7, Duration.ofSeconds(6)),
                secondary("unknown-lag", "r1", 2, 7, null),
                secondary("old-timeline", "r1", 2, 6, Duration.ZERO),
                secondary("exactly-max", "r1", 5, 7, MAX_LAG),
                secondary("no-epoch", "r1", 3, null, Duration.ZERO));
        assertArrayEquals(new int[] {7, 6, 1}, o.readers(), "no-epoch (3), exactly-max (5), late (9)");
    }

    @Test
    void aSecondaryWithoutItsOwnLagGetsTheLargestLagItsPrimariesReport() {
        Observation geoSecondary = seen(Role.SECONDARY, null, null, "sin/orders");
        Observation primary = new Observation(Role.PRIMARY, null, Duration.ZERO, "cin/orders", null, null, null,
                Map.of("sin/orders", Duration.ofSeconds(2)), false);
        Observation own = seen(Role.SECONDARY, null, Duration.ofMillis(40), "sin/orders");
        Observation[] in = {geoSecondary, primary, own};
        Observation[] out = RouteDecision.withLagFromPrimaries(in);
        assertEquals(Duration.ofSeconds(2), out[0].lag());
        assertTrue(out[0].lagFromPrimary());
        assertSame(primary, out[1]);
        assertSame(own, out[2], "a secondary that measures its own lag keeps it");
        assertSame(geoSecondary, in[0], "the input is not changed");

        Observation[] noPrimary = RouteDecision.withLagFromPrimaries(new Observation[] {out[0]});
        assertNull(noPrimary[0].lag(), "no primary reports it any more: unknown again");
        assertFalse(noPrimary[0].lagFromPrimary());
    }

    @Test
    void aCandidateNeedsNameRegionAndObservation() {
        assertThrows(NullPointerException.class, () -> new Candidate(null, "r1", 1, Observation.NONE, false));
        assertThrows(NullPointerException.class, () -> new Candidate("a", null, 1, Observation.NONE, false));
        assertThrows(NullPointerException.class, () -> new Candidate("a", "r1", 1, null, false));
    }

    private static Outcome decide(long newest, Candidate... in) {
        return RouteDecision.decide(in, newest, "r1", MAX_LAG, null);
    }

    private static Candidate primary(String name, String region, int priority, Integer epoch) {
        return new Candidate(name, region, priority, seen(Role.PRIMARY, epoch == null ? null : epoch.longValue(), Duration.ZERO, null), false);
    }

    private static Candidate secondary(String name, String region, int priority, Integer epoch, Duration lag) {
        return new Candidate(name, region, priority, seen(Role.SECONDARY, epoch == null ? null : epoch.longValue(), lag, null), false);
    }

    private static Candidate down(String name, String region, int priority) {
        return new Candidate(name, region, priority, seen(Role.DOWN, null, null, null), false);
    }

    private static Observation seen(Role role, Long epoch, Duration lag, String server) {
        return new Observation(role, epoch, lag, server, null, null, null, Map.of(), false);
    }
}
