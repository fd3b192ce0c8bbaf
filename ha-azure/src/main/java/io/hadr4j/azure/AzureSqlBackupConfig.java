package io.hadr4j.azure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.function.UnaryOperator;

import com.azure.resourcemanager.sql.SqlServerManager;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

/**
 * What {@link AzureSqlBackupService} restores and how it reaches the copies: the source database (resource group,
 * logical server, database), the SDK's manager, how far behind now the latest restorable instant is, and how to
 * connect to a restored database. Immutable; {@link Builder#build()} checks everything.
 *
 * <pre>{@code
 * AzureSqlBackupConfig config = AzureSqlBackupConfig.custom()
 *         .manager(SqlServerManager.authenticate(new DefaultAzureCredentialBuilder().build(), profile))
 *         .resourceGroup("orders").server("orders-cin").database("orders")
 *         .connector(AzureSqlBackupConfig.Connector.entraId(AzureSqlTokenCallback.ofDefaults()))
 *         .build();
 * }</pre>
 */
public final class AzureSqlBackupConfig {

    /** How to open a connection to a restored database; never shows a password. */
    public interface Connector {
        Connection connect(String jdbcUrl) throws SQLException;

        /** Who connects, for {@link io.hadr4j.core.backup.RestoredDatabase#user()}: a login name or the identity's kind. */
        String user();

        /** Connections that sign in with Entra ID tokens from {@code tokens} (the app's managed identity). */
        static Connector entraId(AzureSqlTokenCallback tokens) {
            Objects.requireNonNull(tokens, "tokens");
            return new Connector() {
                @Override
                public Connection connect(String jdbcUrl) throws SQLException {
                    SQLServerDataSource ds = new SQLServerDataSource();
                    ds.setURL(jdbcUrl);
                    ds.setAccessTokenCallback(tokens);
                    return ds.getConnection();
                }

                @Override
                public String user() {
                    return "Entra ID (" + tokens.credential().getClass().getSimpleName() + ")";
                }

                @Override
                public String toString() {
                    return "Connector[" + user() + "]";
                }
            };
        }

        /** Connections with a SQL login and password (the password is held, never shown). */
        static Connector sqlLogin(String user, String password) {
            if (user == null || user.isBlank()) throw new IllegalArgumentException("sqlLogin needs a user name");
            return new Connector() {
                @Override
                public Connection connect(String jdbcUrl) throws SQLException {
                    Properties p = new Properties();
                    p.setProperty("user", user);
                    if (password != null) p.setProperty("password", password);
                    return DriverManager.getConnection(jdbcUrl, p);
                }

                @Override
                public String user() {
                    return user;
                }

                @Override
                public String toString() {
                    return "Connector[" + user + ", password " + (password == null ? "none" : io.hadr4j.core.Secrets.MASK) + "]";
                }
            };
        }
    }

    private final SqlServerManager manager;
    private final String resourceGroup;
    private final String server;
    private final String database;
    private final Connector connector;
    private final UnaryOperator<String> jdbcUrl;
    private final Duration latestRestorableDelay;
    private final Duration requestTimeout;
    private final Duration cleanupTimeout;
    private final Clock clock;

    private AzureSqlBackupConfig(Builder b) {
        this.manager = b.manager;
        this.resourceGroup = b.resourceGroup;
        this.server = b.server;
        this.database = b.database;
        this.connector = b.connector;
        this.jdbcUrl = b.jdbcUrl;
        this.latestRestorableDelay = b.latestRestorableDelay;
        this.requestTimeout = b.requestTimeout;
        this.cleanupTimeout = b.cleanupTimeout;
        this.clock = b.clock;
    }

    public static Builder custom() {
        return new Builder();
    }

    public SqlServerManager manager() {
        return manager;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    /** The logical server of the source database (restores are created on it too). */
    public String server() {
        return server;
    }

    /** The source database. */
    public String database() {
        return database;
    }

    public Connector connector() {
        return connector;
    }

    /** The JDBC URL of database {@code name} on the server. */
    public String jdbcUrl(String name) {
        return jdbcUrl.apply(name);
    }

    /** How far behind now the latest restorable instant is taken to be (Azure restores from log backups). */
    public Duration latestRestorableDelay() {
        return latestRestorableDelay;
    }

    /** The bound of each read of Resource Manager. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The bound of deleting a restored (or half-restored) database. */
    public Duration cleanupTimeout() {
        return cleanupTimeout;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "AzureSqlBackupConfig{" + resourceGroup + "/" + server + "/" + database + ", latestRestorableDelay=" + latestRestorableDelay
                + ", " + connector + "}";
    }

    /** Settings; {@link #build()} checks them. */
    public static final class Builder {
        private SqlServerManager manager;
        private String resourceGroup;
        private String server;
        private String database;
        private Connector connector;
        private UnaryOperator<String> jdbcUrl;
        private Duration latestRestorableDelay = Duration.ofMinutes(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration cleanupTimeout = Duration.ofMinutes(10);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder manager(SqlServerManager manager) {
            this.manager = manager;
            return this;
        }

        public Builder resourceGroup(String resourceGroup) {
            this.resourceGroup = resourceGroup;
            return this;
        }

        /** The logical server's short name, for example {@code orders-cin}. */
        public Builder server(String server) {
            this.server = server;
            return this;
        }

        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** How {@link io.hadr4j.core.backup.RestoredDatabase#connect()} and verification connect. */
        public Builder connector(Connector connector) {
            this.connector = connector;
            return this;
        }

        /**
         * The JDBC URL of a database on the server, from its name (default:
         * {@code jdbc:sqlserver://<server><the environment's SQL suffix>:1433;databaseName=<name>;encrypt=true;...}).
         */
        public Builder jdbcUrl(UnaryOperator<String> jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /**
         * How far behind now the latest restorable instant is (default 10 minutes: Azure SQL backs the log up every 5 to
         * 10 minutes, and restores only to what a log backup holds).
         */
        public Builder latestRestorableDelay(Duration delay) {
            this.latestRestorableDelay = delay;
            return this;
        }

        /** Bound of each read of Resource Manager (default 30 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Bound of deleting a restored database (default 10 minutes). */
        public Builder cleanupTimeout(Duration cleanupTimeout) {
            this.cleanupTimeout = cleanupTimeout;
            return this;
        }

        // Package-private: tests fix "now".
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public AzureSqlBackupConfig build() {
            if (manager == null) {
                throw new IllegalArgumentException("manager is missing: pass manager(SqlServerManager.authenticate(credential, profile))");
            }
            if (resourceGroup == null || resourceGroup.isBlank()) {
                throw new IllegalArgumentException("resourceGroup is missing: the resource group of the source database's server");
            }
            if (server == null || !ArmCalls.ARM_NAME.matcher(server).matches()) {
                throw new IllegalArgumentException("server '" + server + "' is not a logical server's short name: lower-case letters, digits "
                        + "and '-', for example server(\"orders-cin\") (not orders-cin.database.windows.net)");
            }
            if (database == null || database.isBlank() || database.length() > 128) {
                throw new IllegalArgumentException("database is missing: the source database's name, for example database(\"orders\")");
            }
            if (connector == null) {
                throw new IllegalArgumentException("connector is missing: connector(Connector.entraId(AzureSqlTokenCallback.ofDefaults())) "
                        + "or connector(Connector.sqlLogin(user, password))");
            }
            if (latestRestorableDelay == null || latestRestorableDelay.isNegative() || latestRestorableDelay.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("latestRestorableDelay must be between 0 and 1 hour, got " + latestRestorableDelay
                        + "; for example latestRestorableDelay(Duration.ofMinutes(10))");
            }
            AzureSqlFailoverGroup.Builder.positive("requestTimeout", requestTimeout, "requestTimeout(Duration.ofSeconds(30))");
            AzureSqlFailoverGroup.Builder.positive("cleanupTimeout", cleanupTimeout, "cleanupTimeout(Duration.ofMinutes(10))");
            if (jdbcUrl == null) {
                String host = server + manager.environment().getSqlServerHostnameSuffix();
                jdbcUrl = name -> "jdbc:sqlserver://" + host + ":1433;databaseName=" + name + ";encrypt=true;trustServerCertificate=false;"
                        + "hostNameInCertificate=*" + manager.environment().getSqlServerHostnameSuffix() + ";loginTimeout=30";
            }
            return new AzureSqlBackupConfig(this);
        }
    }
}
