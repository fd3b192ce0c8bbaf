package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Ends what a dialect's probe may have opened: on a connection with autocommit off, the probe's queries open a
 * transaction, which must not stay open (a pooled connection goes back to the application). The rollback never
 * hides the probe's own error: when the probe failed, a failing rollback (often the same broken connection) is added
 * to the probe's exception as suppressed, and the probe's exception is what the router sees.
 */
final class ProbeTransaction {

    interface Body<T> {
        T run() throws SQLException;
    }

    private ProbeTransaction() {
    }

    static <T> T thenRollBack(Connection c, Body<T> body) throws SQLException {
        T result;
        try {
            result = body.run();
        } catch (SQLException | RuntimeException e) {
            try {
                if (!c.getAutoCommit()) c.rollback();
            } catch (SQLException | RuntimeException rollback) {
                if (rollback != e) e.addSuppressed(rollback);
            }
            throw e;
        }
        if (!c.getAutoCommit()) c.rollback();
        return result;
    }
}
