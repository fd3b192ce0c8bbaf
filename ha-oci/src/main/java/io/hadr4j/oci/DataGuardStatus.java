package io.hadr4j.oci;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What OCI says of the two peers of an Autonomous Data Guard association, each read from its own region.
 *
 * @param peers the two peers, in the order they were configured
 */
public record DataGuardStatus(List<Peer> peers) {

    public DataGuardStatus {
        peers = List.copyOf(peers);
    }

    /**
     * One peer.
     *
     * @param name                 the name it was configured with (for example its region)
     * @param ocid                 its OCID
     * @param region               where it was read (region or endpoint)
     * @param role                 {@code PRIMARY}, {@code STANDBY}, {@code DISABLED_STANDBY}, ..., or {@code null} when unreadable
     * @param lifecycleState       {@code AVAILABLE}, {@code STANDBY}, {@code ROLE_CHANGE_IN_PROGRESS}, ..., or {@code null}
     * @param lagSeconds           {@code standbyDb.lagTimeInSeconds} as this peer reports it, or {@code null}
     * @param peerDbIds            the OCIDs of its peers
     * @param lastSwitchover       {@code timeOfLastSwitchover}, or {@code null}
     * @param lastFailover         {@code timeOfLastFailover}, or {@code null}
     * @param error                why it could not be read, or {@code null}
     */
    public record Peer(String name, String ocid, String region, String role, String lifecycleState, Integer lagSeconds,
                       List<String> peerDbIds, Instant lastSwitchover, Instant lastFailover, String error) {
        public Peer {
            peerDbIds = peerDbIds == null ? List.of() : List.copyOf(peerDbIds);
        }

        public boolean isPrimary() {
            return "PRIMARY".equals(role);
        }

        public boolean isStandby() {
            return "STANDBY".equals(role);
        }
    }

    /** The peer whose role is PRIMARY, if exactly one is. */
    public Optional<Peer> primary() {
        List<Peer> p = peers.stream().filter(Peer::isPrimary).toList();
        return p.size() == 1 ? Optional.of(p.get(0)) : Optional.empty();
    }

    /** The peer whose role is STANDBY, if exactly one is. */
    public Optional<Peer> standby() {
        List<Peer> s = peers.stream().filter(Peer::isStandby).toList();
        return s.size() == 1 ? Optional.of(s.get(0)) : Optional.empty();
    }

    /** The replication lag the peers report ({@code standbyDb.lagTimeInSeconds}), the primary's first. */
    public Optional<Integer> lagSeconds() {
        return peers.stream().sorted((a, b) -> Boolean.compare(b.isPrimary(), a.isPrimary())).map(Peer::lagSeconds)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /** One line per peer, for logs and messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Peer p : peers) {
            if (sb.length() > 0) sb.append("; ");
            sb.append(p.name).append(" (").append(p.region).append("): ");
            if (p.error != null) {
                sb.append("unreadable: ").append(p.error);
            } else {
                sb.append(p.role).append(", ").append(p.lifecycleState);
                if (p.lagSeconds != null) sb.append(", lag ").append(p.lagSeconds).append(" s");
            }
        }
        return sb.toString();
    }
}
