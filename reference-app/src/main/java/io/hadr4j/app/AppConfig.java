package io.hadr4j.app;

import io.hadr4j.app.Options.ConfigException;
import io.hadr4j.azure.AzureSqlTokenCallback;
import io.hadr4j.azure.FrontDoorGuard;
import io.hadr4j.core.Secrets;
import io.hadr4j.core.region.RegionInfo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one app instance ({@code serve}) needs, from flags or the environment, so that the same jar runs on a
 * laptop, on Azure App Service (which sets {@code PORT}, {@code WEBSITE_SITE_NAME}, {@code REGION_NAME}) and
 * on an OCI instance. Without {@code --region}/{@code HADR_REGION}, the region and zone come from
 * {@link RegionInfo#resolve()} (on Azure: App Service's variables or IMDS). The database password comes only from
 * {@code HADR_DB_PASSWORD} and is never printed; with {@code HADR_DB_AUTH=entra-id} the app signs in to Azure SQL
 * with its managed identity instead ({@code dbTokens}), and there is no password at all.
 */
record AppConfig(String region, String zone, String host, int port, List<DbEndpoint> endpoints, String dbUser,
                 Secret dbPassword, String dbSecretId, Duration healthInterval, Duration routerProbeInterval, Duration drainDelay,
                 AzureSqlTokenCallback dbTokens, FrontDoorGuard frontDoorGuard) {

    static final String ENV_DB = "HADR_DB";
    static final String ENV_DB_USER = "HADR_DB_USER";
    static final String ENV_DB_PASSWORD = "HADR_DB_PASSWORD";
    static final String ENV_DB_SECRET_ID = "HADR_DB_SECRET_ID";
    static final String ENV_DB_AUTH = "HADR_DB_AUTH";
    static final String ENV_DB_IDENTITY = "HADR_DB_IDENTITY_CLIENT_ID";
    static final String ENV_FRONT_DOOR_ID = "HADR_FRONT_DOOR_ID";
    /** --health-interval and --router-probe-interval: from 100ms (the router's shortest probe interval) to 1h. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);
    /** --drain-delay: a load balancer notices within minutes (OCI: 35s); beyond 10m a stop would look hung. */
    static final Duration MAX_DRAIN_DELAY = Duration.ofMinutes(10);

    static final String USAGE = String.join("\n",
            "serve: one app instance",
            "  --region NAME         region of this instance (env HADR_REGION; else detected: App Service, Azure VM, OCI)",
            "  --zone NAME           availability zone / OCI fault domain (env HADR_ZONE; else detected), optional",
            "  --port N              HTTP port (env PORT, default 8080)",
            "  --db NAME,REGION,URL  a database endpoint, repeat per region (env HADR_DB=\"a,region-a,jdbc:... b,region-b,jdbc:...\")",
            "  --db-user USER        database user (env HADR_DB_USER); the password only from env HADR_DB_PASSWORD",
            "  --db-secret-id OCID   on OCI: user and password from this Vault secret, read by instance principal and",
            "                        re-read when rotated (env HADR_DB_SECRET_ID), instead of HADR_DB_USER/HADR_DB_PASSWORD",
            "  --db-auth password|entra-id  (env HADR_DB_AUTH) entra-id: Azure SQL with the app's managed identity, no password",
            "  --db-identity-client-id ID   (env HADR_DB_IDENTITY_CLIENT_ID) a user-assigned identity's client id (entra-id)",
            "  --front-door-id ID    (env HADR_FRONT_DOOR_ID) answer 403 unless X-Azure-FDID is this Front Door profile id (health paths excepted)",
            "  --health-interval D   how often health checks run, 100ms to 1h (default 2s)",
            "  --router-probe-interval D  how often the DataSource probes database roles, 100ms to 1h (default 1s)",
            "  --drain-delay D       on SIGTERM, readiness turns DOWN and the app keeps serving this long before it stops,",
            "                        so that a load balancer's health check takes it out first, 0s to 10m (default 0s; OCI: 35s)");

    /** One database endpoint: a name, the region it is in, and its JDBC URL (without credentials). */
    record DbEndpoint(String name, String region, String jdbcUrl) {
        static DbEndpoint parse(String spec) {
            String[] p = spec.split(",", 3);
            if (p.length != 3 || p[0].isBlank() || p[1].isBlank()) {
                throw new ConfigException("--db must be NAME,REGION,JDBC_URL, for example a,centralindia,jdbc:postgresql://db-a:5432/app; got '"
                        + redact(spec) + "'");
            }
            String url = p[2].trim();
            if (!AppSql.supports(url)) {
                throw new ConfigException("--db " + p[0] + ": the JDBC URL must start with jdbc:postgresql:// or jdbc:sqlserver:// (the drivers the app ships), got '"
                        + redact(url) + "'");
            }
            if (Secrets.carriesSecret(spec)) { // the library's one rule: whatever it would mask is refused here
                throw new ConfigException("--db " + redact(p[0]) + ": the endpoint carries a secret (a password, a user:password@ "
                        + "part, a token or a key), shown masked: '" + redact(spec) + "'; remove it from the URL and set "
                        + ENV_DB_PASSWORD + " in the environment instead (or, on OCI, --db-secret-id; on Azure SQL, --db-auth entra-id)");
            }
            return new DbEndpoint(p[0].trim(), p[1].trim(), url);
        }

        String spec() {
            return name + "," + region + "," + jdbcUrl;
        }

        private static String redact(String s) {
            return Secrets.mask(s);
        }
    }

    /** A value that never shows itself in logs, toString or output. */
    static final class Secret {
        private final String value;

        Secret(String value) {
            this.value = value;
        }

        String reveal() {
            return value;
        }

        @Override
        public String toString() {
            return value == null ? "(none)" : "******";
        }
    }

    static AppConfig from(Options o) {
        String region = o.string("region", null, "HADR_REGION");
        String zone = o.string("zone", null, "HADR_ZONE");
        if (region == null || region.isBlank() || zone == null) {
            RegionInfo where = RegionInfo.custom().region(region).zone(zone).build(); // detectors: App Service, IMDS, ...
            if (region == null || region.isBlank()) region = RegionInfo.UNKNOWN.equals(where.region()) ? null : where.region();
            if (zone == null) zone = RegionInfo.UNKNOWN.equals(where.zone()) ? "-" : where.zone();
        }
        if (region == null || region.isBlank()) {
            throw new ConfigException("the region is not set: pass --region NAME or set HADR_REGION (on Azure App Service, an Azure VM "
                    + "or OCI it is detected)");
        }
        String host = o.string("host-name", localHostName(), "WEBSITE_SITE_NAME", "HOSTNAME");
        int port = o.port("port", 8080, "PORT");
        List<DbEndpoint> endpoints = new ArrayList<>();
        for (String spec : o.all("db", ENV_DB)) {
            endpoints.add(DbEndpoint.parse(spec));
        }
        if (endpoints.isEmpty()) {
            throw new ConfigException("no database endpoint: pass --db NAME,REGION,JDBC_URL once per region or set " + ENV_DB
                    + " to such entries separated by spaces");
        }
        AppSql sql = AppSql.of(endpoints);
        Set<String> names = new HashSet<>();
        for (DbEndpoint e : endpoints) {
            if (!names.add(e.name())) {
                throw new ConfigException("two database endpoints are named '" + e.name() + "': give each --db a different name");
            }
        }
        AzureSqlTokenCallback tokens = tokens(o, sql);
        String user = o.string("db-user", tokens == null ? "postgres" : null, ENV_DB_USER);
        Secret password = new Secret(o.secretFromEnvironment(ENV_DB_PASSWORD));
        String secretId = o.string("db-secret-id", null, ENV_DB_SECRET_ID);
        if (secretId != null && !secretId.startsWith("ocid1.vaultsecret.")) {
            throw new ConfigException("--db-secret-id must be the OCID of an OCI Vault secret (ocid1.vaultsecret...), got '" + secretId + "'");
        }
        if (secretId != null && tokens != null) {
            throw new ConfigException("--db-secret-id (OCI Vault) and --db-auth entra-id (Azure) are two ways to sign in: keep one");
        }
        if (tokens != null && (user != null || password.reveal() != null)) {
            throw new ConfigException(ENV_DB_AUTH + "=entra-id signs in with the app's managed identity: remove --db-user/" + ENV_DB_USER
                    + " and " + ENV_DB_PASSWORD + " (the token replaces them)");
        }
        FrontDoorGuard guard = null;
        String frontDoor = o.string("front-door-id", null, ENV_FRONT_DOOR_ID);
        if (frontDoor != null) {
            try {
                guard = FrontDoorGuard.custom().frontDoorIds(frontDoor).healthPaths("/health", "/api/health").build();
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--front-door-id: " + e.getMessage());
            }
        }
        Duration healthInterval = o.duration("health-interval", Duration.ofSeconds(2), MIN_INTERVAL, MAX_INTERVAL);
        Duration probe = o.duration("router-probe-interval", Duration.ofSeconds(1), MIN_INTERVAL, MAX_INTERVAL);
        Duration drain = o.duration("drain-delay", Duration.ZERO, Duration.ZERO, MAX_DRAIN_DELAY);
        o.rejectUnknown("serve");
        return new AppConfig(region, zone, host, port, List.copyOf(endpoints), user, password, secretId, healthInterval, probe, drain,
                tokens, guard);
    }

    /** The Entra ID token callback for {@code --db-auth entra-id}, or null for a password. */
    static AzureSqlTokenCallback tokens(Options o, AppSql sql) {
        String auth = o.string("db-auth", "password", ENV_DB_AUTH).toLowerCase(Locale.ROOT);
        String clientId = o.string("db-identity-client-id", null, ENV_DB_IDENTITY);
        switch (auth) {
            case "password":
                if (clientId != null) {
                    throw new ConfigException("--db-identity-client-id is for --db-auth entra-id: set " + ENV_DB_AUTH + "=entra-id or remove it");
                }
                return null;
            case "entra-id":
                if (sql != AppSql.SQLSERVER) {
                    throw new ConfigException("--db-auth entra-id is for Azure SQL (jdbc:sqlserver:// URLs); PostgreSQL endpoints sign in with a password");
                }
                try {
                    return clientId == null ? AzureSqlTokenCallback.ofDefaults()
                            : AzureSqlTokenCallback.custom().managedIdentityClientId(clientId).build();
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--db-identity-client-id: " + e.getMessage());
                }
            default:
                throw new ConfigException("--db-auth must be password or entra-id, got '" + auth + "'");
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
