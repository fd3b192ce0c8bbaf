package io.hadr4j.core.datasource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the router believes at one moment. Immutable.
 *
 * @param endpoints            every endpoint, in configuration order
 * @param writeEndpoint        where writes go now, or null when they are refused
 * @param noWriteReason        why writes are refused, or null
 * @param readEndpoints        the fresh secondaries of the local region that reads go to, preferred first; empty when
 *                             reads go to the write endpoint (or, with no write endpoint either, wait for one)
 * @param lastFailoverFrom     the write endpoint before the last route change that followed a loss of the primary, or null
 * @param lastFailoverTo       the write endpoint after it, or null
 * @param lastFailoverAt       when it completed, or null
 * @param lastFailoverDuration from losing the old primary to routing writes to the new one, or null
 * @param probeRounds          how many probe rounds ran since start
 * @param takenAt              when this snapshot was taken
 */
public record RouterSnapshot(List<EndpointView> endpoints, String writeEndpoint, String noWriteReason,
                             List<String> readEndpoints, String lastFailoverFrom, String lastFailoverTo, Instant lastFailoverAt,
                             Duration lastFailoverDuration, long probeRounds, Instant takenAt) {

    public RouterSnapshot {
        readEndpoints = readEndpoints == null ? List.of() : List.copyOf(readEndpoints);
    }

    /**
     * What the router last saw of one endpoint.
     *
     * @param role           the role it reported, DOWN if the last probe failed, UNKNOWN before the first probe
     * @param epoch          its epoch (PostgreSQL timeline), or null if unknown
     * @param lag            its replication lag, or null if unknown
     * @param server         the physical server that last answered (see {@link Dialect.Status#server()}), or null
     * @param fenced         whether the router refuses it writes and reads (stale or undecidable primary)
     * @param circuitState   its circuit breaker's state (CLOSED, OPEN, HALF_OPEN)
     * @param lastProbeAt    when it was last probed, or null
     * @param lastProbeTime  how long that probe took, or null
     * @param lastError      the last probe's error, or null if it succeeded
     */
    public record EndpointView(String name, String region, int priority, Role role, Long epoch, Duration lag,
                               String server, boolean fenced, String circuitState, Instant lastProbeAt,
                               Duration lastProbeTime, String lastError) {

        /** One line for logs and exception messages, for example {@code "a [region-a]: PRIMARY epoch 2 lag 0 ms, probed 2025-...Z"}. */
        public String describe() {
            StringBuilder sb = new StringBuilder(name).append(" [").append(region).append("]: ").append(role);
            if (fenced) sb.append(" FENCED");
            if (epoch != null) sb.append(" epoch ").append(epoch);
            if (lag != null) sb.append(" lag ").append(lag.toMillis()).append(" ms");
            if (server != null) sb.append(" on ").append(server);
            if (!"CLOSED".equals(circuitState)) sb.append(", circuit ").append(circuitState);
            if (lastProbeAt == null) {
                sb.append(", never probed");
            } else {
                sb.append(lastError == null ? ", probed at " : ", probe at ").append(lastProbeAt);
                if (lastError != null) sb.append(" failed: ").append(lastError);
            }
            return sb.toString();
        }
    }

    /** The endpoint called {@code name}; throws IllegalArgumentException if there is none. */
    public EndpointView endpoint(String name) {
        return endpoints.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no endpoint named " + name));
    }

    /** Every endpoint and what was last seen of it, separated by "; ". */
    public String describeEndpoints() {
        return endpoints.stream().map(EndpointView::describe).collect(Collectors.joining("; "));
    }

    /** Whether {@code readOnly().getConnection()} has somewhere to go now: a fresh local secondary or the write endpoint. */
    public boolean readable() {
        return writeEndpoint != null || !readEndpoints.isEmpty();
    }

    @Override
    public String toString() {
        return "RouterSnapshot{write=" + (writeEndpoint != null ? writeEndpoint : "none (" + noWriteReason + ")")
                + ", read=" + (readEndpoints.isEmpty() ? (writeEndpoint != null ? writeEndpoint : "none") : String.join(",", readEndpoints))
                + ", endpoints=[" + describeEndpoints() + "], lastFailover="
                + (lastFailoverAt == null ? "none" : lastFailoverFrom + " -> " + lastFailoverTo + " in "
                + lastFailoverDuration.toMillis() + " ms at " + lastFailoverAt) + "}";
    }
}
