package io.hadr4j.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hadr4j.azure.AzureSqlTokenCallback;
import io.hadr4j.core.Secrets;
import io.hadr4j.core.datasource.Endpoint;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.Role;
import io.hadr4j.core.datasource.RouterConfig;
import io.hadr4j.core.datasource.RouterSnapshot;
import io.hadr4j.core.Secrets;
import io.hadr4j.oci.VaultCredentials;

import javax.sql.DataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A HikariCP pool per database endpoint behind one {@link RegionAwareDataSource}: how both the app and the
 * drill's workload reach the database. Closing it closes the router and the pools.
 */
final class RoutedDatabase implements AutoCloseable {
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final RegionAwareDataSource router;
    private final String localRegion;

    RoutedDatabase(String name, String localRegion, List<AppConfig.DbEndpoint> endpoints, String user,
                   AppConfig.Secret password, Duration probeInterval) {
        this(name, localRegion, endpoints, user, password, null, null, probeInterval);
    }

    /**
     * With {@code vault} non-null the pools take user and password from it, a new version for each new connection; with
     * {@code tokens} non-null every pool signs in to Azure SQL with Entra ID tokens instead. At most one of the two.
     */
    RoutedDatabase(String name, String localRegion, List<AppConfig.DbEndpoint> endpoints, String user,
                   AppConfig.Secret password, VaultCredentials vault, AzureSqlTokenCallback tokens, Duration probeInterval) {
        this.localRegion = localRegion;
        RouterConfig config;
        try {
            config = RouterConfig.custom().name(name).localRegion(localRegion).probeInterval(probeInterval)
                    .failoverTimeout(Duration.ofSeconds(5)).build();
        } catch (IllegalArgumentException e) {
            throw new Options.ConfigException("--router-probe-interval: " + e.getMessage());
        }
        List<Endpoint> routed = new ArrayList<>();
        for (AppConfig.DbEndpoint e : endpoints) {
            HikariConfig h = new HikariConfig();
            h.setPoolName(name + "-" + e.name());
            if (vault != null) {
                Properties timeouts = new Properties();
                timeouts.putAll(AppSql.of(endpoints).timeouts);
                h.setDataSource(vault.dataSource(e.jdbcUrl(), timeouts));
            } else if (tokens != null) {
                tokens.configure(h, e.jdbcUrl()); // SQLServerDataSource, its URL and the token callback
            } else {
                h.setJdbcUrl(e.jdbcUrl());
                h.setUsername(user);
                h.setPassword(password.reveal());
            }
            h.setMaximumPoolSize(5);
            h.setMinimumIdle(0);
            h.setConnectionTimeout(2_000);
            h.setValidationTimeout(1_000);
            h.setInitializationFailTimeout(-1);
            AppSql.of(endpoints).timeouts.forEach(h::addDataSourceProperty);
            HikariDataSource pool = new HikariDataSource(h);
            pools.add(pool);
            if (vault != null) vault.onRotation(c -> pool.getHikariPoolMXBean().softEvictConnections());
            routed.add(Endpoint.of(e.name(), e.region(), pool));
        }
        this.router = RegionAwareDataSource.create(config, routed);
    }

    /** Connections to the current primary. */
    DataSource dataSource() {
        return router;
    }

    /** The router itself: its snapshot is what the readiness check reports. */
    RegionAwareDataSource router() {
        return router;
    }

    /** Connections for reads: a fresh secondary in the local region, else the primary. */
    DataSource readView() {
        return router.readOnly();
    }

    /** The name of the endpoint writes go to now. */
    String writeEndpoint() {
        return router.snapshot().writeEndpoint();
    }

    /** The endpoint a read was served by: the write endpoint, or (in recovery) a secondary, local region first. */
    String endpointServing(boolean inRecovery) {
        RouterSnapshot s = router.snapshot();
        if (!inRecovery) {
            return s.writeEndpoint();
        }
        return s.endpoints().stream().filter(v -> v.role() == Role.SECONDARY)
                .sorted(Comparator.comparing(v -> !v.region().equals(localRegion)))
                .map(RouterSnapshot.EndpointView::name).findFirst().orElse("a secondary");
    }

    /** What the router believes of each endpoint: name, region, role, lag, fenced. */
    List<Map<String, Object>> endpoints() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RouterSnapshot.EndpointView v : router.snapshot().endpoints()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", v.name());
            e.put("region", v.region());
            e.put("role", String.valueOf(v.role()));
            e.put("lagMillis", v.lag() == null ? null : v.lag().toMillis());
            e.put("fenced", v.fenced());
            out.add(e);
        }
        return out;
    }

    /**
     * Fails, naming every endpoint and its error, unless at least one endpoint accepts a connection: a wrong
     * URL or password must stop an instance at startup, not at its first request.
     */
    static void requireOneReachable(List<AppConfig.DbEndpoint> endpoints, String user, AppConfig.Secret password) {
        requireOneReachable(endpoints, user, password, null, null);
    }

    /** As above; with {@code vault} or {@code tokens}, each endpoint is tried with them instead of user and password. */
    static void requireOneReachable(List<AppConfig.DbEndpoint> endpoints, String user, AppConfig.Secret password,
                                    VaultCredentials vault, AzureSqlTokenCallback tokens) {
        List<String> failures = new ArrayList<>();
        for (AppConfig.DbEndpoint e : endpoints) {
            if (vault != null) {
                Properties timeouts = new Properties();
                timeouts.putAll(AppSql.of(endpoints).timeouts);
                try (Connection c = vault.dataSource(e.jdbcUrl(), timeouts).getConnection()) {
                    return;
                } catch (SQLException ex) {
                    failures.add(e.name() + " (" + e.jdbcUrl() + "): " + Secrets.safeMessage(ex));
                }
                continue;
            }
            Properties p = new Properties();
            if (tokens != null) {
                p.put("accessTokenCallback", tokens); // mssql-jdbc takes the callback object among its properties
            } else {
                p.setProperty("user", user);
                if (password.reveal() != null) {
                    p.setProperty("password", password.reveal());
                }
            }
            p.putAll(AppSql.of(endpoints).timeouts);
            try (Connection c = DriverManager.getConnection(e.jdbcUrl(), p)) {
                return;
            } catch (SQLException ex) {
                failures.add(e.name() + " (" + e.jdbcUrl() + "): " + Secrets.safeMessage(ex));
            }
        }
        throw new Options.ConfigException("no database endpoint answers: " + String.join("; ", failures)
                + ". Check the --db URLs (host, port, database), "
                + (tokens != null ? "and that the app's managed identity is a user of the database (CREATE USER ... FROM EXTERNAL PROVIDER)"
                        : "--db-user and " + AppConfig.ENV_DB_PASSWORD) + ".");
    }

    @Override
    public void close() {
        router.close();
        pools.forEach(HikariDataSource::close);
    }
}
