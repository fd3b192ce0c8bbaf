package io.hadr4j.oci;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.hadr4j.core.backup.Expectations;

/**
 * Row count and checksum of a table over plain JDBC, the same on any database (Autonomous Database, PostgreSQL):
 * SHA-256 over every row's columns as text, rows ordered by the primary key (by every column when there is none).
 * {@link AutonomousBackupService#capture} and {@link AutonomousBackupService#verify} compute it the same way on the
 * source and on the restored copy.
 */
final class TableDigest {

    private TableDigest() {
    }

    /** {count, sha256 hex} of {@code table}, read through {@code c}. */
    static String[] of(Connection c, String table) throws SQLException {
        Expectations.checkTableName(table); // before it goes into SQL
        List<String> order = primaryKey(c.getMetaData(), table);
        String sql = "SELECT * FROM " + table + (order.isEmpty() ? "" : " ORDER BY " + String.join(", ", order));
        MessageDigest sha = sha256();
        long rows = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<String> sortedRows = order.isEmpty() ? new ArrayList<>() : null;
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    row.append(v == null ? "\u0000" : v).append('\u001f');
                }
                rows++;
                if (sortedRows != null) sortedRows.add(row.toString());
                else sha.update((row + "\u001e").getBytes(StandardCharsets.UTF_8));
            }
            if (sortedRows != null) { // no primary key: order the rows by their text, the same everywhere
                sortedRows.sort(null);
                for (String r : sortedRows) sha.update((r + "\u001e").getBytes(StandardCharsets.UTF_8));
            }
        }
        return new String[] {Long.toString(rows), HexFormat.of().formatHex(sha.digest())};
    }

    /** The quoted primary-key columns in key order, or empty. */
    private static List<String> primaryKey(DatabaseMetaData md, String table) throws SQLException {
        String schema = null;
        String name = table;
        int dot = table.indexOf('.');
        if (dot > 0) {
            schema = table.substring(0, dot);
            name = table.substring(dot + 1);
        }
        Map<Short, String> cols = new TreeMap<>();
        for (String n : new String[] {name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)}) {
            String s = schema == null ? null : md.storesUpperCaseIdentifiers() ? schema.toUpperCase(Locale.ROOT) : schema.toLowerCase(Locale.ROOT);
            try (ResultSet rs = md.getPrimaryKeys(null, s, n)) {
                while (rs.next()) cols.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
            if (!cols.isEmpty()) break;
        }
        String quote = md.getIdentifierQuoteString() == null || md.getIdentifierQuoteString().isBlank() ? "" : md.getIdentifierQuoteString();
        List<String> out = new ArrayList<>();
        for (String col : cols.values()) out.add(quote + col + quote);
        return out;
    }

    /** The database's clock now, as the first statement of the transaction (Oracle and others). */
    static String clockQuery(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return product != null && product.toLowerCase(Locale.ROOT).contains("oracle") ? "SELECT SYSTIMESTAMP FROM DUAL"
                : product != null && product.toLowerCase(Locale.ROOT).contains("postgres") ? "SELECT clock_timestamp()" : "SELECT CURRENT_TIMESTAMP";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
