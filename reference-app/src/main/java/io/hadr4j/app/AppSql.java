package io.hadr4j.app;

import io.hadr4j.core.drill.WriteTable;

import java.util.List;
import java.util.Map;

/**
 * The few statements the app and the drill run, for each database the reference app supports: PostgreSQL
 * (local, OCI) and SQL Server / Azure SQL (Azure). Chosen from the endpoints' JDBC URLs.
 */
enum AppSql {
    POSTGRESQL("jdbc:postgresql://", Map.of("connectTimeout", "2", "socketTimeout", "10"),
            "CREATE TABLE IF NOT EXISTS hadr4j_visits (id int PRIMARY KEY, visits bigint NOT NULL)",
            "INSERT INTO hadr4j_visits (id, visits) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET visits = hadr4j_visits.visits + 1 RETURNING visits",
            "SELECT (SELECT visits FROM hadr4j_visits WHERE id = 1), pg_is_in_recovery()",
            WriteTable.POSTGRESQL),
    SQLSERVER("jdbc:sqlserver://", Map.of("loginTimeout", "2", "socketTimeout", "10000"),
            "IF OBJECT_ID('hadr4j_visits') IS NULL CREATE TABLE hadr4j_visits (id int PRIMARY KEY, visits bigint NOT NULL)",
            "MERGE hadr4j_visits WITH (HOLDLOCK) AS t USING (SELECT 1 AS id) AS s ON t.id = s.id"
                    + " WHEN MATCHED THEN UPDATE SET visits = t.visits + 1"
                    + " WHEN NOT MATCHED THEN INSERT (id, visits) VALUES (1, 1) OUTPUT inserted.visits;",
            "SELECT (SELECT visits FROM hadr4j_visits WHERE id = 1),"
                    + " CASE WHEN DATABASEPROPERTYEX(DB_NAME(), 'Updateability') = 'READ_ONLY' THEN 1 ELSE 0 END",
            WriteTable.SQLSERVER);

    private final String urlPrefix;
    /** Driver properties that bound connecting and each read, so that a dead server fails fast. */
    final Map<String, String> timeouts;
    final String visitsTable;
    /** Counts a visit on the primary; returns the new count. */
    final String visit;
    /** The count, and whether the connection is on a read-only replica. */
    final String readVisits;
    /** The drill's table, for this database. */
    final WriteTable writeTable;

    AppSql(String urlPrefix, Map<String, String> timeouts, String visitsTable, String visit, String readVisits, WriteTable writeTable) {
        this.urlPrefix = urlPrefix;
        this.timeouts = timeouts;
        this.visitsTable = visitsTable;
        this.visit = visit;
        this.readVisits = readVisits;
        this.writeTable = writeTable;
    }

    static boolean supports(String jdbcUrl) {
        for (AppSql sql : values()) {
            if (jdbcUrl.startsWith(sql.urlPrefix)) {
                return true;
            }
        }
        return false;
    }

    static AppSql of(List<AppConfig.DbEndpoint> endpoints) {
        AppSql found = null;
        for (AppConfig.DbEndpoint e : endpoints) {
            for (AppSql sql : values()) {
                if (e.jdbcUrl().startsWith(sql.urlPrefix)) {
                    if (found != null && found != sql) {
                        throw new Options.ConfigException("the database endpoints mix PostgreSQL and SQL Server URLs: all --db must point at one replicated database");
                    }
                    found = sql;
                }
            }
        }
        if (found == null) {
            throw new Options.ConfigException("no supported JDBC URL among the database endpoints: use jdbc:postgresql:// or jdbc:sqlserver://");
        }
        return found;
    }
}
