package io.hadr4j.app;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Front Door's decision flow as a pure function (health, priority, latency, weight), and its weighted round robin. */
class FrontDoorRoutingTest {

    private static FrontDoorRouting.Candidate c(String name, int priority, int weight, boolean healthy, Double latency) {
        return new FrontDoorRouting.Candidate(new GlobalEntry.Origin(name, URI.create("http://127.0.0.1:1"), priority, weight), healthy, latency);
    }

    private static List<String> names(List<FrontDoorRouting.Candidate> cs) {
        return cs.stream().map(x -> x.origin().name()).toList();
    }

    @Test
    void healthThenPriorityThenLatencyChooseWhoShares() {
        // Front Door's documented example: C unhealthy; A, B, D priority 1, F priority 2; A 15 ms, B 30 ms, D 60 ms, sensitivity 30 ms.
        List<FrontDoorRouting.Candidate> all = List.of(c("A", 1, 5, true, 15.0), c("B", 1, 8, true, 30.0), c("C", 1, 5, false, 1.0),
                c("D", 1, 5, true, 60.0), c("F", 2, 5, true, 1.0));
        assertEquals(List.of("A", "B"), names(FrontDoorRouting.candidates(all, 30)));
        assertEquals(List.of("A"), names(FrontDoorRouting.candidates(all, 0)), "sensitivity 0: only the fastest");
        assertEquals(List.of("A", "B", "D"), names(FrontDoorRouting.candidates(all, 45)));

        // The best priority's origins all unhealthy: the next priority serves.
        assertEquals(List.of("F"), names(FrontDoorRouting.candidates(List.of(c("A", 1, 5, false, 1.0), c("F", 2, 5, true, 90.0)), 0)));
        // Nothing healthy: everyone shares, whatever the priority and latency.
        assertEquals(List.of("A", "F"), names(FrontDoorRouting.candidates(List.of(c("A", 1, 5, false, null), c("F", 2, 5, false, 500.0)), 0)));
        // A latency not measured yet (no successful probe so far) does not exclude an origin.
        assertEquals(List.of("A", "B"), names(FrontDoorRouting.candidates(List.of(c("A", 1, 5, true, null), c("B", 1, 5, true, 3.0)), 0)));
        assertThrows(IllegalArgumentException.class, () -> FrontDoorRouting.candidates(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> new FrontDoorRouting(-1));
    }

    @Test
    void theRoundRobinInterleavesInTheRatioOfTheWeights() {
        FrontDoorRouting routing = new FrontDoorRouting(50);
        List<FrontDoorRouting.Candidate> all = List.of(c("a", 1, 1, true, 1.0), c("b", 1, 2, true, 1.0));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            order.append(routing.next(all).name());
        }
        assertEquals("babbab", order.toString(), "a 1:2 split interleaves instead of sending bursts");
        assertEquals(List.of("a", "b"), routing.sharing());
    }

    /** The bound the split tests rely on: over any number of picks, each origin within one of its exact share. */
    @Test
    void everyOriginStaysWithinOneOfItsShareForAnyWeights() {
        Random random = new Random(20261201L);
        for (int trial = 0; trial < 400; trial++) {
            int k = 2 + random.nextInt(3);
            List<FrontDoorRouting.Candidate> all = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < k; i++) {
                int w = 1 + random.nextInt(GlobalEntry.Origin.MAX_WEIGHT);
                total += w;
                all.add(c("o" + i, 1, w, true, 1.0));
            }
            FrontDoorRouting routing = new FrontDoorRouting(50);
            Map<String, Integer> counts = new HashMap<>();
            for (int n = 1; n <= 1200; n++) {
                counts.merge(routing.next(all).name(), 1, Integer::sum);
                for (FrontDoorRouting.Candidate x : all) {
                    double share = (double) n * x.origin().weight() / total;
                    int got = counts.getOrDefault(x.origin().name(), 0);
                    if (Math.abs(got - share) >= 1) {
                        throw new AssertionError("weights " + names(all) + " " + all.stream().map(y -> y.origin().weight()).toList()
                                + ": after " + n + " picks " + x.origin().name() + " had " + got + ", its share is " + share);
                    }
                }
            }
        }
    }

    @Test
    void aChangedSetStartsItsRoundRobinAfresh() {
        FrontDoorRouting routing = new FrontDoorRouting(50);
        List<FrontDoorRouting.Candidate> both = List.of(c("a", 1, 1, true, 1.0), c("b", 1, 1000, true, 1.0));
        for (int i = 0; i < 7; i++) {
            routing.next(both);
        }
        // b unhealthy: a alone; then both again: b's old score does not carry over, the new set's bound holds from its first pick.
        List<FrontDoorRouting.Candidate> onlyA = List.of(c("a", 1, 1, true, 1.0), c("b", 1, 1000, false, 1.0));
        assertEquals("a", routing.next(onlyA).name());
        assertEquals(List.of("a"), routing.sharing());
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1001; i++) {
            counts.merge(routing.next(both).name(), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 1, "b", 1000), counts);
    }

    @Test
    void weightsAndPrioritiesOutOfFrontDoorsRangesAreRefused() {
        URI u = URI.create("http://127.0.0.1:1");
        Options.ConfigException w0 = assertThrows(Options.ConfigException.class, () -> new GlobalEntry.Origin("a", u, 1, 0));
        assertTrue(w0.getMessage().contains("the weight must be from 1 to 1000, as Front Door's origin weight; got 0"), w0.getMessage());
        assertThrows(Options.ConfigException.class, () -> new GlobalEntry.Origin("a", u, 1, 1001));
        Options.ConfigException p6 = assertThrows(Options.ConfigException.class, () -> new GlobalEntry.Origin("a", u, 6, 1));
        assertTrue(p6.getMessage().contains("the priority must be from 1 (tried first) to 5"), p6.getMessage());
    }
}
