package io.hadr4j.oci;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.hadr4j.core.backup.RestoredDatabase;

/**
 * An Autonomous Database a restore created. {@link #jdbcUrl()} is {@code jdbc:oracle:thin:@} and the new database's
 * connection string for the configured profile; {@link #connect()} uses the configured credentials (the Oracle JDBC
 * driver must be on the class path); {@link #drop()} terminates the database. Never shows a password.
 */
public final class AutonomousRestoredDatabase implements RestoredDatabase {

    private final AutonomousBackupService service;
    private final String name;
    private final String ocid;
    private final String restorePoint;
    private final String jdbcUrl;
    private volatile boolean dropped;

    AutonomousRestoredDatabase(AutonomousBackupService service, String name, String ocid, String restorePoint, String jdbcUrl) {
        this.service = service;
        this.name = name;
        this.ocid = ocid;
        this.restorePoint = restorePoint;
        this.jdbcUrl = jdbcUrl;
    }

    @Override
    public String name() {
        return name;
    }

    /** The new database's OCID. */
    public String ocid() {
        return ocid;
    }

    @Override
    public String restorePoint() {
        return restorePoint;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public String user() {
        VaultCredentials c = service.config().connectCredentials();
        return c != null ? c.current().username() : "ADMIN";
    }

    @Override
    public Connection connect() throws SQLException {
        VaultCredentials c = service.config().connectCredentials();
        if (c == null) {
            throw new SQLException("no credentials to connect to the restored database " + name + ": set "
                    + "AutonomousBackupConfig.custom().connectCredentials(VaultCredentials for its ADMIN password)", "28000");
        }
        DbCredentials creds = c.current();
        Properties p = new Properties();
        p.setProperty("user", creds.username());
        p.setProperty("password", creds.password());
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** Terminates the database and waits for OCI to accept that (bounded). Idempotent. */
    @Override
    public synchronized void drop() {
        if (dropped) return;
        service.terminate(ocid, name);
        dropped = true;
    }

    @Override
    public String toString() {
        return "AutonomousRestoredDatabase{" + name + ", " + ocid + ", restored to " + restorePoint + (dropped ? ", dropped" : "") + "}";
    }
}
