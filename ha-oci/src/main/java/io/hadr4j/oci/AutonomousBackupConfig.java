package io.hadr4j.oci;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of an {@link AutonomousBackupService}; immutable, {@link Builder#build()} checks them all.
 *
 * <pre>{@code
 * AutonomousBackupConfig.custom()
 *     .connection(OciConnection.custom().authentication(OciAuth.instancePrincipal()).region("eu-frankfurt-1").build())
 *     .autonomousDatabaseId("ocid1.autonomousdatabase.oc1.eu-frankfurt-1.abc...")
 *     .adminPasswordSecretId("ocid1.vaultsecret.oc1.eu-frankfurt-1.xyz...")   // the ADMIN password of restored copies
 *     .build();
 * }</pre>
 */
public final class AutonomousBackupConfig {

    /** The connection-string profiles an Autonomous Database offers. */
    public enum Profile { HIGH, MEDIUM, LOW, TP, TPURGENT }

    private final OciConnection connection;
    private final String autonomousDatabaseId;
    private final String compartmentId;
    private final String adminPasswordSecretId;
    private final VaultCredentials connectCredentials;
    private final Profile profile;
    private final Duration pollInterval;
    private final Duration backupTimeout;
    private final Duration terminateTimeout;

    private AutonomousBackupConfig(Builder b) {
        this.connection = b.connection;
        this.autonomousDatabaseId = b.autonomousDatabaseId;
        this.compartmentId = b.compartmentId;
        this.adminPasswordSecretId = b.adminPasswordSecretId;
        this.connectCredentials = b.connectCredentials;
        this.profile = b.profile;
        this.pollInterval = b.pollInterval;
        this.backupTimeout = b.backupTimeout;
        this.terminateTimeout = b.terminateTimeout;
    }

    public static Builder custom() {
        return new Builder();
    }

    public OciConnection connection() {
        return connection;
    }

    /** The source database. */
    public String autonomousDatabaseId() {
        return autonomousDatabaseId;
    }

    /** Where restored databases are created; {@code null}: the source's compartment. */
    public String compartmentId() {
        return compartmentId;
    }

    /** The Vault secret OCI sets the ADMIN password of a restored database from. */
    public String adminPasswordSecretId() {
        return adminPasswordSecretId;
    }

    /** What {@link AutonomousRestoredDatabase#connect()} connects with, or {@code null}. */
    public VaultCredentials connectCredentials() {
        return connectCredentials;
    }

    public Profile profile() {
        return profile;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public Duration backupTimeout() {
        return backupTimeout;
    }

    public Duration terminateTimeout() {
        return terminateTimeout;
    }

    @Override
    public String toString() {
        return "AutonomousBackupConfig{" + autonomousDatabaseId + " @ " + connection.describe() + ", profile " + profile + "}";
    }

    public static final class Builder {
        private OciConnection connection;
        private String autonomousDatabaseId;
        private String compartmentId;
        private String adminPasswordSecretId;
        private VaultCredentials connectCredentials;
        private Profile profile = Profile.HIGH;
        private Duration pollInterval = Duration.ofSeconds(15);
        private Duration backupTimeout = Duration.ofHours(2);
        private Duration terminateTimeout = Duration.ofMinutes(30);

        private Builder() {
        }

        /** The region of the source database and who signs. */
        public Builder connection(OciConnection connection) {
            this.connection = connection;
            return this;
        }

        /** The source database's OCID. */
        public Builder autonomousDatabaseId(String autonomousDatabaseId) {
            this.autonomousDatabaseId = autonomousDatabaseId;
            return this;
        }

        /** Where restored databases go; default the source's compartment. */
        public Builder compartmentId(String compartmentId) {
            this.compartmentId = compartmentId;
            return this;
        }

        /**
         * The OCID of a Vault secret holding the ADMIN password for restored databases; OCI reads it itself
         * ({@code secretId} of the create request), so the password never passes through this process.
         */
        public Builder adminPasswordSecretId(String adminPasswordSecretId) {
            this.adminPasswordSecretId = adminPasswordSecretId;
            return this;
        }

        /** The credentials {@link AutonomousRestoredDatabase#connect()} (and {@code verify}) use, for example that secret with user ADMIN. */
        public Builder connectCredentials(VaultCredentials connectCredentials) {
            this.connectCredentials = connectCredentials;
            return this;
        }

        /** Which connection string the restored database's JDBC URL uses; default HIGH. */
        public Builder profile(Profile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /** How often work requests and lifecycle states are read; default 15 s. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /** How long a backup may take; default 2 h. A restore's time limit is its request's {@code timeout}. */
        public Builder backupTimeout(Duration backupTimeout) {
            this.backupTimeout = backupTimeout;
            return this;
        }

        /** How long terminating a restored database may take; default 30 min. */
        public Builder terminateTimeout(Duration terminateTimeout) {
            this.terminateTimeout = terminateTimeout;
            return this;
        }

        public AutonomousBackupConfig build() {
            if (connection == null) {
                throw new IllegalArgumentException("connection is missing: set connection(OciConnection.custom()...build()) for the source database's region");
            }
            if (autonomousDatabaseId == null || !autonomousDatabaseId.startsWith("ocid1.autonomousdatabase.")) {
                throw new IllegalArgumentException("autonomousDatabaseId must be the source database's OCID, starting with "
                        + "ocid1.autonomousdatabase., got '" + autonomousDatabaseId + "'");
            }
            if (compartmentId != null && !compartmentId.startsWith("ocid1.compartment.") && !compartmentId.startsWith("ocid1.tenancy.")) {
                throw new IllegalArgumentException("compartmentId must be a compartment's OCID (ocid1.compartment...), got '" + compartmentId + "'");
            }
            if (adminPasswordSecretId == null || !adminPasswordSecretId.startsWith("ocid1.vaultsecret.")) {
                throw new IllegalArgumentException("adminPasswordSecretId must be the OCID of the Vault secret with the ADMIN password for restored "
                        + "databases (ocid1.vaultsecret...), got '" + adminPasswordSecretId + "'");
            }
            for (var d : new Object[][] {{"pollInterval", pollInterval}, {"backupTimeout", backupTimeout}, {"terminateTimeout", terminateTimeout}}) {
                Duration v = (Duration) d[1];
                if (v == null || v.isNegative() || v.isZero()) {
                    throw new IllegalArgumentException(d[0] + " must be positive, got " + v);
                }
            }
            return new AutonomousBackupConfig(this);
        }
    }

    /** The key of {@code profile} in {@code connectionStrings.allConnectionStrings}. */
    static String key(Profile profile) {
        return profile.name().toUpperCase(Locale.ROOT);
    }
}
