package io.hadr4j.core.datasource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The route decision, as a function: what the last probe round saw of every endpoint and the newest epoch ever seen
 * in; which endpoint takes writes, which serve reads (in order), which are fenced, and why writes are refused out.
 * No threads, no clock, no I/O, no state: {@link Router} feeds it once per probe round and acts on the outcome
 * (events, evictions, the route it publishes).
 *
 * <p>The rules: an endpoint that claims primary on an epoch older than the newest is fenced, and so is one demoted in
 * place (read-only) on such an epoch. Of the remaining claims, endpoints that reach one server (a listener and a
 * direct name) count once. One claim takes writes; several are a split brain: the newest epoch wins and the others
 * are fenced, and when no epoch is newer (or none is known, as on SQL Server) writes fail closed. A writer that is
 * suspect after a connection error takes none until a later probe confirms it. Reads go to secondaries of the local
 * region that are not fenced, whose lag is known and at most {@code maxReadLag}, and whose epoch is not older than
 * the newest, by priority.
 */
final class RouteDecision {

    /** What the decision needs to know of one endpoint. */
    record Candidate(String name, String region, int priority, Observation seen, boolean suspect) {
        Candidate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(seen, "seen");
        }
    }

    /**
     * The outcome, by index into the candidates: {@code writer} or -1 (then {@code refusal} and {@code sqlState}
     * say why), {@code readers} in the order to try them, {@code fenced} per candidate, {@code splitBrain} the
     * situation when more than one endpoint claims primary (null otherwise; the router reports each new one once), and
     * {@code chosen} the claim that takes writes once it is no longer suspect (the writer, or -1 when none may).
     */
    record Outcome(int writer, int[] readers, boolean[] fenced, String refusal, String sqlState, String splitBrain, int chosen) {
    }

    private RouteDecision() {
    }

    /**
     * Decides the route. {@code newestEpoch}: the newest epoch ever seen ({@link Long#MIN_VALUE} when none);
     * {@code epochFile}: where it is kept, if anywhere (named in the refusal when it fences every claim).
     */
    static Outcome decide(Candidate[] all, long newestEpoch, String localRegion, Duration maxReadLag, Path epochFile) {
        int n = all.length;
        List<Integer> claims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (all[i].seen().role() == Role.PRIMARY) claims.add(i);
        }
        boolean[] fenced = new boolean[n];
        List<Integer> candidates = new ArrayList<>();
        for (int c : claims) {
            Long e = all[c].seen().epoch();
            if (e != null && e < newestEpoch) {
                fenced[c] = true;
            } else if (!sameServerAsBetterCandidate(all, c, claims)) {
                candidates.add(c);
            }
        }
        for (int i = 0; i < n; i++) { // a demoted-in-place node on an old timeline is as stale as a primary on one
            Long e = all[i].seen().epoch();
            if (all[i].seen().role() == Role.READ_ONLY && e != null && e < newestEpoch) fenced[i] = true;
        }
        int writer = -1;
        String refusal = null;
        String split = null;
        String state = Router.SQLSTATE_NO_PRIMARY;
        if (candidates.size() == 1) {
            writer = candidates.get(0);
        } else if (candidates.isEmpty()) {
            refusal = claims.isEmpty() ? "no endpoint reports itself a writable primary"
                    : "every endpoint that claims primary is fenced (its epoch is older than " + newestEpoch + ", the newest seen"
                            + (epochFile != null ? ", kept in " + epochFile + "; delete that file only if the database was rebuilt" : "")
                            + ")";
        } else {
            candidates.sort(Comparator.comparing((Integer c) -> all[c].seen().epoch(), Comparator.nullsLast(Comparator.reverseOrder())));
            Long top = all[candidates.get(0)].seen().epoch();
            Long second = all[candidates.get(1)].seen().epoch();
            String who = candidates.stream()
                    .map(c -> all[c].name() + " (epoch " + (all[c].seen().epoch() == null ? "unknown" : all[c].seen().epoch()) + ")")
                    .collect(Collectors.joining(", "));
            if (top != null && second != null && top > second) {
                writer = candidates.get(0);
                for (int c : candidates.subList(1, candidates.size())) fenced[c] = true;
                split = "split brain: " + who + " claim primary; writes go only to " + all[writer].name()
                        + ", the newest epoch; the others are fenced";
            } else {
                for (int c : candidates) fenced[c] = true;
                state = Router.SQLSTATE_SPLIT_BRAIN;
                refusal = "split brain: " + who + " all claim primary and which one is newer cannot be decided;"
                        + " writes fail closed until all but one are demoted";
                split = refusal;
            }
        }
        int chosen = writer;
        if (writer >= 0 && all[writer].suspect()) {
            refusal = "re-probing " + all[writer].name() + " after a connection error";
            writer = -1;
        }
        long maxLag = maxReadLag.toNanos();
        int[] readers = IntStream.range(0, n)
                .filter(i -> {
                    Observation o = all[i].seen();
                    return o.role() == Role.SECONDARY && !fenced[i] && all[i].region().equals(localRegion)
                            && o.lag() != null && o.lag().toNanos() <= maxLag && (o.epoch() == null || o.epoch() >= newestEpoch);
                })
                .boxed()
                .sorted(Comparator.comparingInt(i -> all[i].priority()))
                .mapToInt(Integer::intValue)
                .toArray();
        return new Outcome(writer, readers, fenced, refusal, state, split, chosen);
    }

    /** Whether another claimant reaches the same physical server and is preferred (lower priority, then earlier). */
    private static boolean sameServerAsBetterCandidate(Candidate[] all, int c, List<Integer> claims) {
        String server = all[c].seen().server();
        if (server == null) return false;
        for (int o : claims) {
            if (o == c || !server.equals(all[o].seen().server())) continue;
            int byPriority = Integer.compare(all[o].priority(), all[c].priority());
            if (byPriority < 0 || (byPriority == 0 && o < c)) return true;
        }
        return false;
    }

    /**
     * A secondary that does not know its own lag (an Azure SQL geo-secondary) gets the lag a primary reports for it
     * ({@link Dialect.Status#partnerLag()}, matched by the secondary's {@link Observation#server()}), so that reads
     * can use it while it is fresh enough; every round anew, so that it follows the primary's latest report and is
     * unknown again when no primary reports it. Returns {@code seen} with those observations replaced (the same
     * objects where nothing changes).
     */
    static Observation[] withLagFromPrimaries(Observation[] seen) {
        Observation[] out = seen.clone();
        for (int i = 0; i < seen.length; i++) {
            Observation o = seen[i];
            if (o.role() != Role.SECONDARY || o.server() == null || (o.lag() != null && !o.lagFromPrimary())) continue;
            Duration reported = lagReportedByPrimaries(o.server(), seen);
            if (!Objects.equals(reported, o.lag())) out[i] = o.withLagFromPrimary(reported);
        }
        return out;
    }

    /** The lag the primaries among {@code all} report for the database {@code server} (the largest), or null. */
    static Duration lagReportedByPrimaries(String server, Observation[] all) {
        Duration max = null;
        for (Observation o : all) {
            if (o.role() != Role.PRIMARY) continue;
            Duration d = o.partnerLag().get(server);
            if (d != null && (max == null || d.compareTo(max) > 0)) max = d;
        }
        return max;
    }
}
