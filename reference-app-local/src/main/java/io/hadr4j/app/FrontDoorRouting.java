package io.hadr4j.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which origin gets the next request, by Azure Front Door's documented decision flow ("Traffic routing methods to
 * origin"): (1) the available origins, those whose health probes say healthy; (2) among them, those of the best
 * (lowest) priority; (3) among those, the ones whose probe latency is within the latency sensitivity
 * ({@code additionalLatencyInMilliseconds}) of the fastest: with 0 only the fastest; (4) among those, a round robin in
 * the ratio of the weights (1 to 1000). When no origin is healthy, Front Door sends requests to every enabled origin
 * rather than to none: then all of them share traffic by weight, whatever their priority and latency.
 *
 * <p>Front Door documents step 4 as a round robin in the weights' ratio without saying how it interleaves; this is the
 * smooth weighted round robin (nginx's): on each pick every candidate's running score grows by its weight, the highest
 * score is picked and loses the candidates' total. Over any run of picks from one candidate set, each origin's count
 * stays within one of its exact share ({@code picks * weight / total}), and a 1:2 split interleaves (b, a, b, ...)
 * instead of sending bursts. That makes the split deterministic: a test can bound it exactly.
 *
 * <p>Steps 1 to 3 are a pure function of the candidates ({@link #candidates}); the round robin's scores are this
 * object's state, changed only under its lock.
 */
final class FrontDoorRouting {

    /** What the entry knows of one origin when it routes: its settings, its health, its mean probe latency (null: not measured yet). */
    record Candidate(GlobalEntry.Origin origin, boolean healthy, Double latencyMillis) {
    }

    private final long latencySensitivityMillis;
    /** The smooth round robin's running score per origin name, for the candidate set of the last pick. */
    private final Map<String, Long> scores = new HashMap<>();
    private List<String> lastCandidates = List.of();

    FrontDoorRouting(long latencySensitivityMillis) {
        if (latencySensitivityMillis < 0) {
            throw new IllegalArgumentException("the latency sensitivity must be 0 or more milliseconds, got " + latencySensitivityMillis);
        }
        this.latencySensitivityMillis = latencySensitivityMillis;
    }

    /**
     * Steps 1 to 3: the origins that share the next request. An origin whose latency is not measured yet (no successful
     * probe so far) counts as being within the sensitivity.
     */
    static List<Candidate> candidates(List<Candidate> all, long latencySensitivityMillis) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("routing needs at least one origin");
        }
        List<Candidate> available = all.stream().filter(Candidate::healthy).toList();
        if (available.isEmpty()) {
            return all;
        }
        int best = available.stream().mapToInt(c -> c.origin().priority()).min().orElseThrow();
        List<Candidate> top = available.stream().filter(c -> c.origin().priority() == best).toList();
        double fastest = top.stream().filter(c -> c.latencyMillis() != null).mapToDouble(Candidate::latencyMillis).min().orElse(0);
        List<Candidate> near = new ArrayList<>();
        for (Candidate c : top) {
            if (c.latencyMillis() == null || c.latencyMillis() <= fastest + latencySensitivityMillis) {
                near.add(c);
            }
        }
        return near;
    }

    /** The candidate set of the last pick, by name: who shares traffic now. */
    synchronized List<String> sharing() {
        return lastCandidates;
    }

    /** Step 4 after steps 1 to 3: the origin of the next request. */
    synchronized GlobalEntry.Origin next(List<Candidate> all) {
        List<Candidate> near = candidates(all, latencySensitivityMillis);
        List<String> names = near.stream().map(c -> c.origin().name()).toList();
        if (!names.equals(lastCandidates)) {
            scores.clear(); // a new set starts its round robin afresh, so that the one-off bound holds for each set
            lastCandidates = names;
        }
        long total = 0;
        Candidate picked = null;
        long pickedScore = Long.MIN_VALUE;
        for (Candidate c : near) {
            int weight = c.origin().weight();
            total += weight;
            long score = scores.merge(c.origin().name(), (long) weight, Long::sum);
            if (score > pickedScore) {
                picked = c;
                pickedScore = score;
            }
        }
        scores.put(picked.origin().name(), pickedScore - total);
        return picked.origin();
    }
}
