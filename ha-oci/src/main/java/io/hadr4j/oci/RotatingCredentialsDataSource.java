package io.hadr4j.oci;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.slf4j.LoggerFactory;

import io.hadr4j.core.Secrets;

/**
 * The DataSource of {@link VaultCredentials#dataSource}: opens each connection with the newest credentials. When the
 * database refuses them ({@link BadCredentials}), it reads the secret again at once and tries the newer version,
 * then the last version a database accepted (Vault may have been rotated before the database), and only then
 * fails with the database's own exception.
 */
final class RotatingCredentialsDataSource implements DataSource {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RotatingCredentialsDataSource.class);

    private final VaultCredentials vault;
    private final DataSource target;
    private final String jdbcUrl;
    private final Properties properties;

    RotatingCredentialsDataSource(VaultCredentials vault, DataSource target, String jdbcUrl, Properties properties) {
        this.vault = vault;
        this.target = target;
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        DbCredentials first = vault.current();
        try {
            return open(first);
        } catch (SQLException refused) {
            if (!BadCredentials.refused(refused)) throw refused;
            List<DbCredentials> next = new ArrayList<>(2);
            DbCredentials fresh = vault.afterRefusal(first);
            if (fresh.version() != first.version()) next.add(fresh);
            DbCredentials working = vault.lastWorking();
            if (working != null && working.version() != first.version() && working.version() != fresh.version()) next.add(working);
            for (DbCredentials c : next) {
                try {
                    Connection conn = open(c);
                    LOG.info("{}: connected with version {} after version {} was refused", vault.name(), c.version(), first.version());
                    return conn;
                } catch (SQLException again) {
                    if (!BadCredentials.refused(again)) throw again;
                    refused.addSuppressed(again);
                }
            }
            LOG.warn("{}: the database refused every version of Vault secret {} at hand ({}): {}", vault.name(), vault.secretId(),
                    first.version() + (next.isEmpty() ? "" : ", " + next.stream().map(c -> String.valueOf(c.version())).reduce((a, b) -> a + ", " + b).orElse("")),
                    Secrets.safeMessage(refused));
            throw refused;
        }
    }

    private Connection open(DbCredentials c) throws SQLException {
        Connection conn;
        if (target != null) {
            conn = target.getConnection(c.username(), c.password());
        } else {
            Properties p = new Properties();
            p.putAll(properties);
            p.setProperty("user", c.username());
            p.setProperty("password", c.password());
            conn = DriverManager.getConnection(jdbcUrl, p);
        }
        vault.worked(c);
        DbCredentials newer = vault.lastWorking();
        if (newer != null && newer.version() > c.version()) { // another connection proved a newer version meanwhile
            try {
                conn.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection opened with an older version: {}", Secrets.safeMessage(e));
            }
            return open(newer);
        }
        return conn;
    }

    /** Refused: the user and password come from Vault. Configure the pool without them. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials come from Vault secret " + vault.secretId()
                + "; configure the pool without username and password (HikariConfig: leave setUsername/setPassword unset)");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target != null ? target.getLogWriter() : DriverManager.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        if (target != null) target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        if (target != null) target.setLoginTimeout(seconds);
        else properties.setProperty("loginTimeout", Integer.toString(seconds));
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target != null ? target.getLoginTimeout() : Integer.parseInt(properties.getProperty("loginTimeout", "0"));
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return iface.cast(this);
        if (target != null) return target.unwrap(iface);
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || (target != null && target.isWrapperFor(iface));
    }

    @Override
    public String toString() {
        return "RotatingCredentialsDataSource{" + vault.secretId() + " -> " + (target != null ? target.getClass().getSimpleName() : Secrets.mask(jdbcUrl)) + "}";
    }
}
