package io.hadr4j.core.datasource;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.*;
import java.util.Calendar;
import java.util.Map;

/**
 * A {@link Statement} handed out by a {@link RouterConnection}: a plain delegating wrapper (one allocation, no
 * reflection), with the connection's error handling: every call but {@code close()}, {@code isClosed()},
 * {@code getConnection()}, {@code unwrap()} and {@code isWrapperFor()} fails once the endpoint is fenced, and every
 * {@link SQLException} is reported to the router and rethrown as is. The delegating methods, one a line, all have
 * the shape {@code c.check(); try { return s.x(...); } catch (SQLException e) { throw c.failed(e); }} and are
 * generated from the interface (JDK 17), so that none is forgotten.
 */
@SuppressWarnings("deprecation")
class RouterStatement extends RouterWrapper implements Statement {

    final RouterConnection c;
    private final Statement s;

    RouterStatement(RouterConnection c, Statement s) {
        this.c = c;
        this.s = s;
    }

    @Override
    public void close() throws SQLException {
        try {
            s.close();
        } catch (SQLException e) {
            throw c.failed(e);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        try {
            return s.isClosed();
        } catch (SQLException e) {
            throw c.failed(e);
        }
    }

    /** The router's connection, not the pool's. */
    @Override
    public Connection getConnection() {
        return c;
    }

    @Override
    Wrapper wrapped() {
        return s;
    }

    @Override
    public String toString() {
        return "hadr4j statement on " + c.nodeName() + " (" + s + ")";
    }

    // ---- the rest of Statement, generated
    @Override public void addBatch(String p0) throws SQLException { c.check(); try { s.addBatch(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void cancel() throws SQLException { c.check(); try { s.cancel(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void clearBatch() throws SQLException { c.check(); try { s.clearBatch(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void clearWarnings() throws SQLException { c.check(); try { s.clearWarnings(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void closeOnCompletion() throws SQLException { c.check(); try { s.closeOnCompletion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String enquoteIdentifier(String p0, boolean p1) throws SQLException { c.check(); try { return s.enquoteIdentifier(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String enquoteLiteral(String p0) throws SQLException { c.check(); try { return s.enquoteLiteral(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String enquoteNCharLiteral(String p0) throws SQLException { c.check(); try { return s.enquoteNCharLiteral(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean execute(String p0) throws SQLException { c.check(); try { return s.execute(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean execute(String p0, int[] p1) throws SQLException { c.check(); try { return s.execute(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean execute(String p0, String[] p1) throws SQLException { c.check(); try { return s.execute(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean execute(String p0, int p1) throws SQLException { c.check(); try { return s.execute(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int[] executeBatch() throws SQLException { c.check(); try { return s.executeBatch(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long[] executeLargeBatch() throws SQLException { c.check(); try { return s.executeLargeBatch(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long executeLargeUpdate(String p0) throws SQLException { c.check(); try { return s.executeLargeUpdate(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long executeLargeUpdate(String p0, int[] p1) throws SQLException { c.check(); try { return s.executeLargeUpdate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long executeLargeUpdate(String p0, String[] p1) throws SQLException { c.check(); try { return s.executeLargeUpdate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long executeLargeUpdate(String p0, int p1) throws SQLException { c.check(); try { return s.executeLargeUpdate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet executeQuery(String p0) throws SQLException { c.check(); try { return RouterResultSet.wrap(c, this, s.executeQuery(p0)); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int executeUpdate(String p0) throws SQLException { c.check(); try { return s.executeUpdate(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int executeUpdate(String p0, int[] p1) throws SQLException { c.check(); try { return s.executeUpdate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int executeUpdate(String p0, String[] p1) throws SQLException { c.check(); try { return s.executeUpdate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int executeUpdate(String p0, int p1) throws SQLException { c.check(); try { return s.executeUpdate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getFetchDirection() throws SQLException { c.check(); try { return s.getFetchDirection(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getFetchSize() throws SQLException { c.check(); try { return s.getFetchSize(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getGeneratedKeys() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, this, s.getGeneratedKeys()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getLargeMaxRows() throws SQLException { c.check(); try { return s.getLargeMaxRows(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getLargeUpdateCount() throws SQLException { c.check(); try { return s.getLargeUpdateCount(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxFieldSize() throws SQLException { c.check(); try { return s.getMaxFieldSize(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getMaxRows() throws SQLException { c.check(); try { return s.getMaxRows(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean getMoreResults() throws SQLException { c.check(); try { return s.getMoreResults(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean getMoreResults(int p0) throws SQLException { c.check(); try { return s.getMoreResults(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getQueryTimeout() throws SQLException { c.check(); try { return s.getQueryTimeout(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet getResultSet() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, this, s.getResultSet()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getResultSetConcurrency() throws SQLException { c.check(); try { return s.getResultSetConcurrency(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getResultSetHoldability() throws SQLException { c.check(); try { return s.getResultSetHoldability(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getResultSetType() throws SQLException { c.check(); try { return s.getResultSetType(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getUpdateCount() throws SQLException { c.check(); try { return s.getUpdateCount(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public SQLWarning getWarnings() throws SQLException { c.check(); try { return s.getWarnings(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isCloseOnCompletion() throws SQLException { c.check(); try { return s.isCloseOnCompletion(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isPoolable() throws SQLException { c.check(); try { return s.isPoolable(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isSimpleIdentifier(String p0) throws SQLException { c.check(); try { return s.isSimpleIdentifier(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCursorName(String p0) throws SQLException { c.check(); try { s.setCursorName(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setEscapeProcessing(boolean p0) throws SQLException { c.check(); try { s.setEscapeProcessing(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setFetchDirection(int p0) throws SQLException { c.check(); try { s.setFetchDirection(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setFetchSize(int p0) throws SQLException { c.check(); try { s.setFetchSize(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setLargeMaxRows(long p0) throws SQLException { c.check(); try { s.setLargeMaxRows(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setMaxFieldSize(int p0) throws SQLException { c.check(); try { s.setMaxFieldSize(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setMaxRows(int p0) throws SQLException { c.check(); try { s.setMaxRows(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setPoolable(boolean p0) throws SQLException { c.check(); try { s.setPoolable(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setQueryTimeout(int p0) throws SQLException { c.check(); try { s.setQueryTimeout(p0); } catch (SQLException e) { throw c.failed(e); } }
}
