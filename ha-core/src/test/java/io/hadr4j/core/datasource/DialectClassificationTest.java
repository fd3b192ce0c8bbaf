package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.Dialect.ErrorKind.CONNECTION_LOST;
import static io.hadr4j.core.datasource.Dialect.ErrorKind.FATAL;
import static io.hadr4j.core.datasource.Dialect.ErrorKind.READ_ONLY;
import static io.hadr4j.core.datasource.Dialect.ErrorKind.TRANSIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.SocketException;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Classification with the real SQLStates and vendor codes the drivers report; no database needed. */
class DialectClassificationTest {

    private static final Dialect MSSQL = Dialect.SQL_SERVER;
    private static final Dialect PG = Dialect.POSTGRESQL;

    @ParameterizedTest(name = "SQL Server error {0} is transient")
    @ValueSource(ints = {40613, 40197, 40501, 49918, 49919, 49920, 4060, 4221, 10928, 10929, 10053, 10054, 10060, 233, 64, 1205})
    void sqlServerTransientErrorNumbers(int number) {
        // mssql-jdbc reports the server's error number as the vendor code, SQLState S0001 (or null) for server errors
        assertEquals(TRANSIENT, MSSQL.classify(new SQLException("error " + number, "S0001", number)));
        assertEquals(TRANSIENT, MSSQL.classify(new SQLException("error " + number, null, number)));
    }

    @Test
    void sqlServerReadOnlyAfterFailover() {
        SQLException e = new SQLException("Failed to update database \"orders\" because the database is read-only.", "S0001", 3906);
        assertEquals(READ_ONLY, MSSQL.classify(e));
        assertEquals(FATAL, PG.classify(e), "PostgreSQL knows nothing of vendor code 3906");
    }

    @Test
    void sqlServerTransportErrorWithConnectionStateIsConnectionLost() {
        // mssql-jdbc: "Connection reset" has SQLState 08S01; with a transport vendor code it still means the connection is gone
        assertEquals(CONNECTION_LOST, MSSQL.classify(new SQLException("Connection reset", "08S01", 0)));
        assertEquals(CONNECTION_LOST, MSSQL.classify(new SQLException("transport-level error", "08S01", 10054)));
    }

    @Test
    void sqlServerOtherErrorsAreFatal() {
        assertEquals(FATAL, MSSQL.classify(new SQLException("Invalid object name 'x'.", "S0002", 208)));
        assertEquals(FATAL, MSSQL.classify(new SQLException("Violation of PRIMARY KEY constraint", "23000", 2627)));
        assertEquals(FATAL, MSSQL.classify(new SQLException("Login failed for user 'app'.", "S0001", 18456)));
    }

    @ParameterizedTest(name = "PostgreSQL {0} is transient")
    @ValueSource(strings = {"40001", "40P01", "53300", "57P01", "57P02", "57P03"})
    void postgresTransientStates(String state) {
        assertEquals(TRANSIENT, PG.classify(new SQLException("x", state)));
    }

    @Test
    void postgresReadOnlyAndConnectionStates() {
        assertEquals(READ_ONLY, PG.classify(new SQLException("cannot execute INSERT in a read-only transaction", "25006")));
        for (String s : new String[]{"08000", "08001", "08003", "08004", "08006", "08P01"}) {
            assertEquals(CONNECTION_LOST, PG.classify(new SQLException("x", s)), s);
        }
        assertEquals(FATAL, PG.classify(new SQLException("duplicate key", "23505")));
        assertEquals(FATAL, PG.classify(new SQLException("syntax error", "42601")));
    }

    @Test
    void walksTheCauseAndNextExceptionChains() {
        SQLException outer = new SQLException("batch failed", "XX000");
        outer.setNextException(new SQLException("cannot execute UPDATE in a read-only transaction", "25006"));
        assertEquals(READ_ONLY, PG.classify(outer));

        SQLException wrapped = new SQLException("I/O error", null, 0, new SocketException("Connection reset"));
        assertEquals(CONNECTION_LOST, PG.classify(wrapped));

        SQLException deep = new SQLException("outer", "S0001", 0,
                new RuntimeException("middle", new SQLException("db unavailable", "S0001", 40613)));
        assertEquals(TRANSIENT, MSSQL.classify(deep));

        // read-only wins over connection lost wins over transient
        SQLException mixed = new SQLException("deadlock", "40P01");
        mixed.setNextException(new SQLException("terminating connection", "08006"));
        assertEquals(CONNECTION_LOST, PG.classify(mixed));
        mixed.getNextException().setNextException(new SQLException("read-only", "25006"));
        assertEquals(READ_ONLY, PG.classify(mixed));
    }

    @Test
    void cyclicChainsTerminate() {
        SQLException a = new SQLException("a", "XX000");
        SQLException b = new SQLException("b", "XX000", a);
        a.setNextException(b);
        assertEquals(FATAL, PG.classify(a));
    }

    @Test
    void poolTimeoutWithoutCauseIsTransientButWithConnectionCauseIsLost() {
        assertEquals(TRANSIENT, PG.classify(new SQLTransientConnectionException("pool - Connection is not available, request timed out after 2000ms")));
        assertEquals(CONNECTION_LOST, PG.classify(new SQLTransientConnectionException("pool - Connection is not available",
                "08001", new java.net.ConnectException("Connection refused"))));
    }

    @Test
    void detectsTheDialectFromDriverMetadata() throws SQLException {
        assertSame(PG, Dialect.detect(metaData("PostgreSQL")));
        assertSame(MSSQL, Dialect.detect(metaData("Microsoft SQL Server")));
        SQLException e = assertThrows(SQLException.class, () -> Dialect.detect(metaData("Oracle")));
        assertTrue(e.getMessage().contains("RouterConfig.custom().dialect("), e.getMessage());
    }

    private static DatabaseMetaData metaData(String product) {
        return (DatabaseMetaData) Proxy.newProxyInstance(getClass0(), new Class<?>[]{DatabaseMetaData.class},
                (p, m, a) -> m.getName().equals("getDatabaseProductName") ? product : null);
    }

    private static ClassLoader getClass0() {
        return DialectClassificationTest.class.getClassLoader();
    }
}
