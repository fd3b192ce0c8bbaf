package io.hadr4j.oci;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.oracle.bmc.database.DatabaseClient;
import com.oracle.bmc.database.model.AutonomousDatabase;
import com.oracle.bmc.database.requests.FailOverAutonomousDatabaseRequest;
import com.oracle.bmc.database.requests.GetAutonomousDatabaseRequest;
import com.oracle.bmc.database.requests.SwitchoverAutonomousDatabaseRequest;
import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.workrequests.WorkRequestClient;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.drill.Fault;

/**
 * Autonomous Data Guard with a cross-region standby: the two peers (each an Autonomous Database with its own OCID,
 * read through its own region's endpoint), their roles, the replication lag ({@code standbyDb.lagTimeInSeconds}) and
 * the last switchover and failover; and the two role changes, each called on the current <em>standby</em>'s region
 * with the primary as {@code peerDbId} (as the API documents for a remote peer), then waited for: the work request,
 * then the standby's role turning PRIMARY and AVAILABLE (and, for a switchover, the old primary's turning STANDBY).
 *
 * <p>The roles are read each time, so {@link #switchover()} twice switches back. Every failure is an
 * {@link OciException} that says what OCI answered. {@link #switchoverFault()} and {@link #failoverFault()} are the
 * drill's database faults on OCI.
 */
public final class AutonomousDataGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AutonomousDataGuard.class);

    private record Side(String name, OciConnection connection, String ocid, DatabaseClient db, WorkRequestClient workRequests) {
    }

    private final List<Side> sides;
    private final Duration roleChangeTimeout;
    private final Duration pollInterval;
    private volatile Duration lastRoleChange;

    private AutonomousDataGuard(Builder b) {
        List<Side> s = new ArrayList<>();
        for (Builder.PeerConfig p : b.peers) {
            s.add(new Side(p.name, p.connection, p.ocid, p.connection.databaseClient(), p.connection.workRequestClient()));
        }
        this.sides = List.copyOf(s);
        this.roleChangeTimeout = b.roleChangeTimeout;
        this.pollInterval = b.pollInterval;
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Both peers as OCI describes them now; a peer whose region does not answer has its {@code error} set. */
    public DataGuardStatus status() {
        List<DataGuardStatus.Peer> peers = new ArrayList<>();
        for (Side s : sides) peers.add(read(s));
        return new DataGuardStatus(peers);
    }

    /**
     * A planned role change: the standby becomes primary and the primary standby, with no data lost. Returns how long
     * it took from the request to both roles having changed.
     *
     * @throws OciException when the peers are not one PRIMARY and one STANDBY, when OCI refuses, when the work request
     *                      fails, or when the roles have not changed within the timeout
     */
    public Duration switchover() {
        DataGuardStatus before = status();
        DataGuardStatus.Peer primary = before.primary().orElseThrow(() -> notReady("switchover", before));
        DataGuardStatus.Peer standby = before.standby().orElseThrow(() -> notReady("switchover", before));
        Side to = side(standby);
        Side from = side(primary);
        String what = "switchover of Autonomous Data Guard to " + to.name + " (" + to.ocid + ")";
        long start = System.nanoTime();
        long deadline = start + roleChangeTimeout.toNanos();
        LOG.info("{}: requesting it in {} with peer {}; {}", what, to.connection.describe(), from.ocid, before.describe());
        String workRequest;
        try {
            workRequest = to.db.switchoverAutonomousDatabase(SwitchoverAutonomousDatabaseRequest.builder()
                    .autonomousDatabaseId(to.ocid).peerDbId(from.ocid).build()).getOpcWorkRequestId();
        } catch (BmcException e) {
            throw OciException.of(what, e);
        }
        awaitRoles(what, to, workRequest, deadline, from);
        return done(what, start);
    }

    /**
     * An unplanned role change: the standby becomes primary while the primary (or its region) may be gone; data not
     * yet shipped is lost. Only the standby's region is asked. Returns how long it took until the standby was
     * PRIMARY and AVAILABLE.
     *
     * @throws OciException when no peer is a readable STANDBY, when OCI refuses, when the work request fails, or when
     *                      the role has not changed within the timeout
     */
    public Duration failover() {
        DataGuardStatus before = status();
        DataGuardStatus.Peer standby = before.standby().orElseThrow(() -> notReady("failover", before));
        Side to = side(standby);
        Side from = sides.get(0) == to ? sides.get(1) : sides.get(0);
        String what = "failover of Autonomous Data Guard to " + to.name + " (" + to.ocid + ")";
        long start = System.nanoTime();
        long deadline = start + roleChangeTimeout.toNanos();
        LOG.warn("{}: requesting it in {} with peer {}; {}", what, to.connection.describe(), from.ocid, before.describe());
        String workRequest;
        try {
            workRequest = to.db.failOverAutonomousDatabase(FailOverAutonomousDatabaseRequest.builder()
                    .autonomousDatabaseId(to.ocid).peerDbId(from.ocid).build()).getOpcWorkRequestId();
        } catch (BmcException e) {
            throw OciException.of(what, e);
        }
        awaitRoles(what, to, workRequest, deadline, null);
        return done(what, start);
    }

    /** How long the last role change this object made took, or {@code null}. */
    public Duration lastRoleChange() {
        return lastRoleChange;
    }

    /** {@link #switchover()} as a drill fault. */
    public Fault switchoverFault() {
        return new RoleChange(true);
    }

    /** {@link #failover()} as a drill fault. */
    public Fault failoverFault() {
        return new RoleChange(false);
    }

    private final class RoleChange implements Fault {
        private final boolean planned;

        RoleChange(boolean planned) {
            this.planned = planned;
        }

        @Override
        public String describe() {
            return (planned ? "switch over" : "fail over") + " Autonomous Data Guard between " + sides.get(0).name + " ("
                    + sides.get(0).connection.describe() + ") and " + sides.get(1).name + " (" + sides.get(1).connection.describe()
                    + "): the standby becomes primary";
        }

        @Override
        public void inject() {
            if (planned) switchover();
            else failover();
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    private Duration done(String what, long start) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        lastRoleChange = took;
        LOG.info("{}: done in {} ms; {}", what, took.toMillis(), status().describe());
        return took;
    }

    /** Waits for the work request, then for {@code to} to be PRIMARY and AVAILABLE and {@code from} (if given) STANDBY. */
    private void awaitRoles(String what, Side to, String workRequest, long deadline, Side from) {
        if (workRequest != null) {
            WorkRequests.await(to.workRequests, workRequest, what, deadline, pollInterval, p -> { });
        }
        while (true) {
            DataGuardStatus.Peer now = read(to);
            DataGuardStatus.Peer old = from == null ? null : read(from);
            boolean promoted = now.error() == null && now.isPrimary() && "AVAILABLE".equals(now.lifecycleState());
            boolean demoted = old == null || (old.error() == null && old.isStandby() && !"ROLE_CHANGE_IN_PROGRESS".equals(old.lifecycleState()));
            if (promoted && demoted) return;
            WorkRequests.sleepUntilNextPoll(what, deadline, pollInterval, "the roles have not changed after "
                    + roleChangeTimeout.toSeconds() + " s: " + new DataGuardStatus(old == null ? List.of(now) : List.of(now, old)).describe());
        }
    }

    private DataGuardStatus.Peer read(Side s) {
        try {
            AutonomousDatabase d = s.db.getAutonomousDatabase(GetAutonomousDatabaseRequest.builder().autonomousDatabaseId(s.ocid).build())
                    .getAutonomousDatabase();
            return new DataGuardStatus.Peer(s.name, s.ocid, s.connection.describe(), d.getRole() == null ? null : d.getRole().getValue(),
                    d.getLifecycleState() == null ? null : d.getLifecycleState().getValue(),
                    d.getStandbyDb() == null ? null : d.getStandbyDb().getLagTimeInSeconds(), d.getPeerDbIds(),
                    instant(d.getTimeOfLastSwitchover()), instant(d.getTimeOfLastFailover()), null);
        } catch (BmcException e) {
            return new DataGuardStatus.Peer(s.name, s.ocid, s.connection.describe(), null, null, null, null, null, null,
                    OciException.of("reading " + s.ocid, e).getMessage());
        } catch (RuntimeException e) {
            return new DataGuardStatus.Peer(s.name, s.ocid, s.connection.describe(), null, null, null, null, null, null, Secrets.safeMessage(e));
        }
    }

    private Side side(DataGuardStatus.Peer p) {
        return sides.stream().filter(s -> s.ocid.equals(p.ocid())).findFirst().orElseThrow();
    }

    private static OciException notReady(String op, DataGuardStatus s) {
        return new OciException(op, op + " needs one PRIMARY and one STANDBY peer"
                + (op.equals("failover") ? " (the standby readable)" : ", both readable") + "; OCI says: " + s.describe());
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    @Override
    public void close() {
        for (Side s : sides) {
            s.db.close();
            s.workRequests.close();
        }
    }

    @Override
    public String toString() {
        return "AutonomousDataGuard{" + sides.get(0).name + " " + sides.get(0).ocid + " @ " + sides.get(0).connection.describe() + ", "
                + sides.get(1).name + " " + sides.get(1).ocid + " @ " + sides.get(1).connection.describe() + "}";
    }

    public static final class Builder {
        private record PeerConfig(String name, OciConnection connection, String ocid) {
        }

        private final List<PeerConfig> peers = new ArrayList<>();
        private Duration roleChangeTimeout = Duration.ofMinutes(30);
        private Duration pollInterval = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * One peer (call twice): a name for messages (for example its region), the connection to its region, and its
         * OCID. A cross-region standby has an OCID of its own, shown on the primary's Disaster recovery page.
         */
        public Builder peer(String name, OciConnection connection, String autonomousDatabaseId) {
            peers.add(new PeerConfig(name, connection, autonomousDatabaseId));
            return this;
        }

        /** How long a role change may take before it is reported as failed; default 30 minutes. */
        public Builder roleChangeTimeout(Duration roleChangeTimeout) {
            this.roleChangeTimeout = roleChangeTimeout;
            return this;
        }

        /** How often the work request and the roles are read while waiting; default 10 s. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public AutonomousDataGuard build() {
            if (peers.size() != 2) {
                throw new IllegalArgumentException("Autonomous Data Guard needs exactly two peers, got " + peers.size()
                        + ": call peer(name, connection, ocid) once for the primary and once for the cross-region standby");
            }
            for (PeerConfig p : peers) {
                if (p.name == null || p.name.isBlank()) throw new IllegalArgumentException("a peer has no name: give each a name, for example its region");
                Objects.requireNonNull(p.connection, "peer " + p.name + ": connection");
                if (p.ocid == null || !p.ocid.startsWith("ocid1.autonomousdatabase.")) {
                    throw new IllegalArgumentException("peer " + p.name + ": the OCID must start with ocid1.autonomousdatabase., got '" + p.ocid + "'");
                }
            }
            if (peers.get(0).ocid.equals(peers.get(1).ocid)) {
                throw new IllegalArgumentException("both peers have the OCID " + peers.get(0).ocid + ": the cross-region standby has its own OCID");
            }
            if (roleChangeTimeout == null || roleChangeTimeout.isNegative() || roleChangeTimeout.isZero()) {
                throw new IllegalArgumentException("roleChangeTimeout must be positive, got " + roleChangeTimeout);
            }
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
            }
            return new AutonomousDataGuard(this);
        }
    }
}
