package io.hadr4j.oci;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Whether a database refused a new connection because of its user or password: PostgreSQL {@code 28P01}
 * (invalid_password) and {@code 28000} (invalid_authorization_specification), SQL Server error 18456 (login
 * failed), Oracle {@code ORA-01017} (invalid username/password). A pure function over the exception chain.
 */
final class BadCredentials {

    private BadCredentials() {
    }

    static boolean refused(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (t != null && seen.add(t)) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if ("28P01".equals(state) || "28000".equals(state)) return true;
                if (s.getErrorCode() == 18456 || s.getErrorCode() == 1017) return true;
                if (s.getNextException() != null && refused(s.getNextException())) return true;
            }
            t = t.getCause();
        }
        return false;
    }
}
