package io.hadr4j.app;

import io.hadr4j.app.Options.ConfigException;
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
 * on an OCI instance. The database password comes only from {@code HADR_DB_PASSWORD} and is never printed.
 */
record AppConfig(String region, String zone, String host, int port, List<DbEndpoint> endpoints, String dbUser,
                 Secret dbPassword, String dbSecretId, Duration healthInterval, Duration routerProbeInterval, Duration drainDelay) {

    static final String ENV_DB = "HADR_DB";
    static final String ENV_DB_USER = "HADR_DB_USER";
    static final String ENV_DB_PASSWORD = "HADR_DB_PASSWORD";
    static final String ENV_DB_SECRET_ID = "HADR_DB_SECRET_ID";

    static final String USAGE = String.join("\n",
            "serve: one app instance",
            "  --region NAME         region of this instance (env REGION_NAME on App Service, HADR_REGION; on OCI read from instance metadata)",
            "  --zone NAME           availability zone / OCI availability and fault domain (env HADR_ZONE; on OCI from instance metadata), optional",
            "  --port N              HTTP port (env PORT, default 8080)",
            "  --db NAME,REGION,URL  a database endpoint, repeat per region (env HADR_DB=\"a,region-a,jdbc:... b,region-b,jdbc:...\")",
            "  --db-user USER        database user (env HADR_DB_USER); the password only from env HADR_DB_PASSWORD",
            "  --db-secret-id OCID   on OCI: user and password from this Vault secret, read by instance principal and",
            "                        re-read when rotated (env HADR_DB_SECRET_ID), instead of HADR_DB_USER/HADR_DB_PASSWORD",
            "  --health-interval D   how often health checks run (default 2s)",
            "  --router-probe-interval D  how often the DataSource probes database roles (default 1s)",
            "  --drain-delay D       on SIGTERM, readiness turns DOWN and the app keeps serving this long before it stops,",
            "                        so that a load balancer's health check takes it out first (default 0s; OCI: 35s)");

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
            if (url.toLowerCase(Locale.ROOT).contains("password=")) {
                throw new ConfigException("--db " + p[0] + ": the JDBC URL contains a password; remove it and set " + ENV_DB_PASSWORD + " instead");
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
        String region = o.string("region", null, "HADR_REGION", "REGION_NAME");
        String zone = o.string("zone", null, "HADR_ZONE");
        if (region == null || zone == null) { // the platform's own metadata (RegionDetectors: OCI instance metadata, ...)
            RegionInfo detected = RegionInfo.custom().region(region).zone(zone).build();
            if (region == null && !RegionInfo.UNKNOWN.equals(detected.region())) region = detected.region();
            if (zone == null && !RegionInfo.UNKNOWN.equals(detected.zone())) zone = detected.zone();
        }
        if (region == null || region.isBlank()) {
            throw new ConfigException("the region is not set: pass --region NAME or set HADR_REGION (App Service sets REGION_NAME;"
                    + " on OCI it comes from instance metadata, which did not answer)");
        }
        if (zone == null) zone = "-";
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
        AppSql.of(endpoints);
        Set<String> names = new HashSet<>();
        for (DbEndpoint e : endpoints) {
            if (!names.add(e.name())) {
                throw new ConfigException("two database endpoints are named '" + e.name() + "': give each --db a different name");
            }
        }
        String user = o.string("db-user", "postgres", ENV_DB_USER);
        Secret password = new Secret(o.secretFromEnvironment(ENV_DB_PASSWORD));
        String secretId = o.string("db-secret-id", null, ENV_DB_SECRET_ID);
        if (secretId != null && !secretId.startsWith("ocid1.vaultsecret.")) {
            throw new ConfigException("--db-secret-id must be the OCID of an OCI Vault secret (ocid1.vaultsecret...), got '" + secretId + "'");
        }
        Duration healthInterval = o.duration("health-interval", Duration.ofSeconds(2));
        Duration probe = o.duration("router-probe-interval", Duration.ofSeconds(1));
        Duration drain = o.duration("drain-delay", Duration.ZERO);
        o.rejectUnknown("serve");
        return new AppConfig(region, zone, host, port, List.copyOf(endpoints), user, password, secretId, healthInterval, probe, drain);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
