package io.hadr4j.bench;

import io.hadr4j.bench.SoakFigures.Change;
import io.hadr4j.bench.SoakFigures.Totals;
import io.hadr4j.bench.SoakOptions.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's options and figures, without a database (the soak itself is a benchmark, not a test). */
class SoakOptionsTest {

    @Test
    void defaultsAreAtLeastFiftyChangesOfTheFourKindsInTurn() {
        SoakOptions o = SoakOptions.parse();
        assertTrue(o.changes() >= 50);
        assertEquals(16, o.writers());
        assertEquals(4, o.readers());
        assertFalse(o.awaitFullPools(), "by default a fault starts once the standby is synchronous, whatever its pool holds");
        assertEquals(List.of(Kind.SWITCHOVER, Kind.KILL, Kind.DEMOTE, Kind.BLACKHOLE, Kind.SWITCHOVER),
                List.of(o.kindOf(0), o.kindOf(1), o.kindOf(2), o.kindOf(3), o.kindOf(4)));
    }

    @Test
    void optionsAreRead() {
        SoakOptions o = SoakOptions.parse("--changes", "8", "--kinds", "blackhole, kill", "--writers", "2", "--readers", "0", "--pause-ms", "0",
                "--await-full-pools", "TRUE");
        assertEquals(8, o.changes());
        assertEquals(List.of(Kind.BLACKHOLE, Kind.KILL), o.kinds());
        assertEquals(Kind.BLACKHOLE, o.kindOf(2));
        assertEquals(2, o.writers());
        assertEquals(0, o.readers());
        assertEquals(0, o.pauseMs());
        assertTrue(o.awaitFullPools());
    }

    @Test
    void badOptionsSayWhatToType() {
        assertTrue(message("--changes").contains("--changes needs a value, for example --changes 8"));
        assertTrue(message("--changes", "0").contains("--changes takes a whole number from 1 to 10000, got 0"));
        assertTrue(message("--changes", "many").contains("got 'many'"));
        assertTrue(message("--kinds", "kill,reboot").contains("unknown kind 'reboot' in --kinds: choose from switchover, kill, demote, blackhole"));
        assertTrue(message("--kinds", "kill,kill").contains("names 'kill' twice"));
        assertTrue(message("--kinds", ",").contains("needs at least one"));
        assertTrue(message("--await-full-pools", "yes").contains("--await-full-pools takes true or false, got 'yes'"));
        assertTrue(message("--await-full-pools").contains("for example --await-full-pools true"));
        assertTrue(message("--fast", "1").contains("unknown option '--fast'"));
        assertTrue(message("8").contains("unexpected argument '8'"));
    }

    @Test
    void percentileIsNearestRankAndNeverSortsLast() {
        assertEquals(3, SoakFigures.percentile(List.of(5L, 1L, 3L, 2L, 4L), 50));
        assertEquals(95, SoakFigures.percentile(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList(), 95));
        assertEquals(SoakFigures.NEVER, SoakFigures.percentile(List.of(1L, SoakFigures.NEVER), 100));
        assertEquals(SoakFigures.NEVER, SoakFigures.percentile(List.of(), 50));
    }

    @Test
    void resultLineHasTheKeysInOrder() {
        SoakFigures f = new SoakFigures();
        f.add(new Change(1, Kind.SWITCHOVER, "a", "b", 12, 300, 4));
        f.add(new Change(2, Kind.KILL, "b", "a", 40, 1200, 9));
        f.add(new Change(3, Kind.BLACKHOLE, "a", "b", SoakFigures.NEVER, 61000, 90));
        String line = f.resultLine(new Totals(1000, 0, 0, 0, 2, 20_000_000, 21_000_000));
        assertEquals("RESULT soak changes=3 p95Ms=never maxMs=never lostSync=0 staleWrites=0 leakedThreads=0 leakedConnections=2 heapGrowthPct=5.0", line);
        assertEquals(61000, f.longestCallMs());
        List<String> kinds = f.perKind();
        assertEquals(3, kinds.size());
        assertTrue(kinds.get(0).startsWith("switchover n=1 recovery p50 12 ms, p95 12 ms, max 12 ms, not recovered 0; longest blocked call 300 ms"), kinds.get(0));
        assertTrue(kinds.get(2).contains("not recovered 1"), kinds.get(2));
    }

    @Test
    void aWriteIsStaleOnlyWhenItsCallStartedAfterItsPrimaryWasSuperseded() {
        List<SoakFigures.Primary> history = List.of(new SoakFigures.Primary("a", 5432, 1, 1_000),
                new SoakFigures.Primary("b", 5433, 2, 2_000), new SoakFigures.Primary("a", 5432, 3, Long.MAX_VALUE));
        // started before a (timeline 1) was superseded, acknowledged after: in flight across the promotion, not stale
        assertTrue(SoakFigures.staleFor(new SoakFigures.Suspect(0, 1, 999, 5432, 1), history).isEmpty());
        // started after a (timeline 1) was superseded: stale
        assertEquals("a", SoakFigures.staleFor(new SoakFigures.Suspect(0, 2, 1_000, 5432, 1), history).orElseThrow().node());
        assertEquals("b", SoakFigures.staleFor(new SoakFigures.Suspect(0, 3, 2_500, 5433, 2), history).orElseThrow().node());
        // the newest primary: never stale
        assertTrue(SoakFigures.staleFor(new SoakFigures.Suspect(0, 4, 9_999, 5432, 3), history).isEmpty());
        // a (port, timeline) that was never a primary of the run (a stale primary on its old timeline after a split)
        assertTrue(SoakFigures.staleFor(new SoakFigures.Suspect(0, 5, 0, 5433, 4), history).orElseThrow().node() == null);
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(args)).getMessage();
    }
}
