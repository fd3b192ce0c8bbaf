package io.hadr4j.core.datasource;

import java.time.Duration;
import java.time.Instant;

/**
 * Something the router decided or noticed. Listeners ({@link RegionAwareDataSource#addListener}) receive these on
 * the router's own event thread, in order, never on an application thread or a probe thread; they should return
 * quickly (the next events wait for them).
 *
 * @param type           what happened
 * @param endpoint       the endpoint concerned (for a write-route change: the new write endpoint, or null if none)
 * @param previousWriter the write endpoint before the event, or null
 * @param writer         the write endpoint after the event, or null when writes are refused
 * @param cause          why, in words an operator can act on (never contains secrets)
 * @param switchDuration for {@link Type#WRITE_ROUTE_CHANGED}: from losing the previous primary to routing writes to
 *                       the new one; else null
 * @param at             when
 */
public record RouterEvent(Type type, String endpoint, String previousWriter, String writer, String cause,
                          Duration switchDuration, Instant at) {

    public enum Type {
        /** Writes now go to another endpoint (first route, failover, switchover, or recovery after an outage). */
        WRITE_ROUTE_CHANGED,
        /** No endpoint may take writes; {@code getConnection()} waits, then fails. */
        NO_PRIMARY,
        /** Two or more endpoints claim to be primary. */
        SPLIT_BRAIN,
        /** An endpoint that claims primary is refused writes (older epoch, or undecidable split brain). */
        ENDPOINT_FENCED,
        /** An endpoint's role changed (including to or from DOWN). */
        ROLE_CHANGED,
        /** An endpoint's pool was told to replace its connections. */
        POOL_EVICTED,
        /** A connection handed out by the router raised a connection-lost or read-only error; a re-probe follows. */
        CONNECTION_ERROR
    }
}
