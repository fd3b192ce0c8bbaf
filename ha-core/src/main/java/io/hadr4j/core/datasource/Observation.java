package io.hadr4j.core.datasource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The result of one probe of one endpoint; partnerLag as in {@link Dialect.Status#partnerLag()}, lagFromPrimary
 * whether lag is what a primary reported for this secondary (see {@link RouteDecision#withLagFromPrimaries}).
 */
record Observation(Role role, Long epoch, Duration lag, String server, Instant at, Duration took, String error,
                   Map<String, Duration> partnerLag, boolean lagFromPrimary) {
    static final Observation NONE = new Observation(Role.UNKNOWN, null, null, null, null, null, null, Map.of(), false);

    Observation withLagFromPrimary(Duration reported) {
        return new Observation(role, epoch, reported, server, at, took, error, partnerLag, reported != null);
    }

    /** What is known of an endpoint that did not answer: down, with the epoch and server last seen. */
    Observation down(String why, Duration took) {
        return new Observation(Role.DOWN, epoch, null, server, Instant.now(), took, why, Map.of(), false);
    }
}
