package io.hadr4j.core.datasource;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Wrapper;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection handed out by the router: a plain delegating wrapper (one allocation, no reflection on the hot
 * path) that sees every {@link SQLException} of the connection and of the statements it creates (those are
 * wrapped the same way: {@link RouterStatement}, {@link RouterPreparedStatement}, {@link RouterCallableStatement},
 * their {@link RouterResultSet}s, and {@link RouterDatabaseMetaData}).
 * A connection-lost error, or a read-only error on a write connection, is reported to the {@link Router}, which evicts the physical connection and re-probes at once; the original exception is
 * always rethrown. Once the endpoint is fenced every call but {@code close()}, {@code isClosed()} and
 * {@code abort()} fails (SQLState {@value Router#SQLSTATE_SPLIT_BRAIN}) and the connection is evicted, so that a
 * connection taken before a split brain was noticed writes nothing more to the stale primary.
 *
 * <p>Every delegating method has the same shape: {@code check(); try { return raw.x(...); } catch (SQLException e)
 * { throw failed(e); }}.
 */
final class RouterConnection extends RouterWrapper implements Connection {

    private final Router.Node node;
    private final boolean write;
    private final Connection raw;
    private volatile boolean reported;
    // Its slot in node.open: UNTRACKED until its first use, NOT_OPEN once closed. Written by the thread that uses
    // it; the router reads it racily (a stale read only means aborting a connection that was just closed, which
    // the pool's proxy ignores).
    private int slot = UNTRACKED;
    // node.withdrawals when it was taken: tells at its first use whether the router withdrew the endpoint since.
    private final int taken;

    private static final int UNTRACKED = Integer.MAX_VALUE;
    private static final int NOT_OPEN = Integer.MIN_VALUE;
    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(RouterConnection.class, "slot", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    RouterConnection(Router.Node node, boolean write, Connection raw) {
        this.node = node;
        this.write = write;
        this.raw = raw;
        this.taken = node.withdrawals;
    }

    String nodeName() {
        return node.name();
    }

    boolean isWrite() {
        return write;
    }

    /**
     * Called by the router when it withdraws this endpoint (unreachable, fenced, demoted): aborts the physical
     * connection so that a caller blocked in a statement gets an {@link SQLException} now, and evicts it.
     */
    void abortByRouter(Executor executor) {
        if (slot == NOT_OPEN) return;
        reported = true; // the error the caller is about to see needs no report: the router already acted
        try {
            raw.abort(executor);
        } catch (SQLException | RuntimeException e) {
            // Already closed, or the driver refuses: eviction below still removes it from the pool.
        }
        PoolSupport.evict(node.endpoint.dataSource(), raw);
    }

    /**
     * Called first by every method that may reach the server: fails fast on a fenced endpoint (one volatile read),
     * and on the connection's first use registers it in {@code node.open}, so that the router can abort it.
     */
    void check() throws SQLException {
        if (slot == UNTRACKED) track();
        if (node.fenced) {
            evictOnce();
            throw node.router.fencedException(node);
        }
    }

    /**
     * Registers this connection for {@link #abortByRouter}. Done at first use rather than when it is handed out:
     * on a collecting JVM such as G1, storing a new object into the long-lived registry costs a card-marking
     * barrier, which would double what the library adds to {@code getConnection()}+{@code close()}; a connection
     * that was never used cannot be blocked in a call. A withdrawal between taking it and now is caught here:
     * the router counts withdrawals before it sweeps the registry, and this reads the count after registering
     * (a full fence), so either the sweep saw this connection or this sees the new count.
     */
    private void track() throws SQLException {
        int s = node.open.register(this);
        if (!SLOT.compareAndSet(this, UNTRACKED, s)) { // another thread's first call (a cancel()) tracked it already
            node.open.release(s, this);
            return;
        }
        int now = node.withdrawals;
        if (Withdrawals.withdrawnSince(taken, now, write)) {
            String why = node.withdrawnBecause;
            abortByRouter(Runnable::run);
            throw new SQLException(node.router.name() + ": this " + (write ? "write" : "read") + " connection to " + node.name()
                    + " was taken before the router withdrew that endpoint because " + why
                    + "; it was aborted before its first use. Get a new connection.", "08006");
        }
    }

    /** Reports an exception of this connection or its statements to the router; returns it for rethrowing. */
    SQLException failed(SQLException e) {
        if (!reported && node.router.onConnectionError(node, write, raw, e)) reported = true;
        return e;
    }

    private void evictOnce() {
        if (!reported) {
            reported = true;
            PoolSupport.evict(node.endpoint.dataSource(), raw);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            raw.close(); // may still reach the server (a pool rolls back a dirty transaction): stays abortable
        } finally {
            int s = slot;
            slot = NOT_OPEN;
            if (s != NOT_OPEN && s != UNTRACKED) node.open.release(s, this);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return raw.isClosed();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        raw.abort(executor);
    }

    @Override
    Wrapper wrapped() {
        return raw;
    }

    @Override
    public String toString() {
        return "hadr4j " + (write ? "write" : "read") + " connection to " + node.name() + " (" + raw + ")";
    }

    // ---- the rest of Connection, one delegating method per line
    @Override public void beginRequest() throws SQLException { check(); try { raw.beginRequest(); } catch (SQLException e) { throw failed(e); } }
    @Override public void clearWarnings() throws SQLException { check(); try { raw.clearWarnings(); } catch (SQLException e) { throw failed(e); } }
    @Override public void commit() throws SQLException { check(); try { raw.commit(); } catch (SQLException e) { throw failed(e); } }
    @Override public Array createArrayOf(String a, Object[] b) throws SQLException { check(); try { return raw.createArrayOf(a, b); } catch (SQLException e) { throw failed(e); } }
    @Override public Blob createBlob() throws SQLException { check(); try { return raw.createBlob(); } catch (SQLException e) { throw failed(e); } }
    @Override public Clob createClob() throws SQLException { check(); try { return raw.createClob(); } catch (SQLException e) { throw failed(e); } }
    @Override public NClob createNClob() throws SQLException { check(); try { return raw.createNClob(); } catch (SQLException e) { throw failed(e); } }
    @Override public SQLXML createSQLXML() throws SQLException { check(); try { return raw.createSQLXML(); } catch (SQLException e) { throw failed(e); } }
    @Override public Statement createStatement() throws SQLException { check(); try { return new RouterStatement(this, raw.createStatement()); } catch (SQLException e) { throw failed(e); } }
    @Override public Statement createStatement(int a, int b) throws SQLException { check(); try { return new RouterStatement(this, raw.createStatement(a, b)); } catch (SQLException e) { throw failed(e); } }
    @Override public Statement createStatement(int a, int b, int c) throws SQLException { check(); try { return new RouterStatement(this, raw.createStatement(a, b, c)); } catch (SQLException e) { throw failed(e); } }
    @Override public Struct createStruct(String a, Object[] b) throws SQLException { check(); try { return raw.createStruct(a, b); } catch (SQLException e) { throw failed(e); } }
    @Override public void endRequest() throws SQLException { check(); try { raw.endRequest(); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean getAutoCommit() throws SQLException { check(); try { return raw.getAutoCommit(); } catch (SQLException e) { throw failed(e); } }
    @Override public String getCatalog() throws SQLException { check(); try { return raw.getCatalog(); } catch (SQLException e) { throw failed(e); } }
    @Override public Properties getClientInfo() throws SQLException { check(); try { return raw.getClientInfo(); } catch (SQLException e) { throw failed(e); } }
    @Override public String getClientInfo(String a) throws SQLException { check(); try { return raw.getClientInfo(a); } catch (SQLException e) { throw failed(e); } }
    @Override public int getHoldability() throws SQLException { check(); try { return raw.getHoldability(); } catch (SQLException e) { throw failed(e); } }
    @Override public DatabaseMetaData getMetaData() throws SQLException { check(); try { return new RouterDatabaseMetaData(this, raw.getMetaData()); } catch (SQLException e) { throw failed(e); } }
    @Override public int getNetworkTimeout() throws SQLException { check(); try { return raw.getNetworkTimeout(); } catch (SQLException e) { throw failed(e); } }
    @Override public String getSchema() throws SQLException { check(); try { return raw.getSchema(); } catch (SQLException e) { throw failed(e); } }
    @Override public int getTransactionIsolation() throws SQLException { check(); try { return raw.getTransactionIsolation(); } catch (SQLException e) { throw failed(e); } }
    @Override public Map<String, Class<?>> getTypeMap() throws SQLException { check(); try { return raw.getTypeMap(); } catch (SQLException e) { throw failed(e); } }
    @Override public SQLWarning getWarnings() throws SQLException { check(); try { return raw.getWarnings(); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean isReadOnly() throws SQLException { check(); try { return raw.isReadOnly(); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean isValid(int a) throws SQLException { check(); try { return raw.isValid(a); } catch (SQLException e) { throw failed(e); } }
    @Override public String nativeSQL(String a) throws SQLException { check(); try { return raw.nativeSQL(a); } catch (SQLException e) { throw failed(e); } }
    @Override public CallableStatement prepareCall(String a) throws SQLException { check(); try { return new RouterCallableStatement(this, raw.prepareCall(a)); } catch (SQLException e) { throw failed(e); } }
    @Override public CallableStatement prepareCall(String a, int b, int c) throws SQLException { check(); try { return new RouterCallableStatement(this, raw.prepareCall(a, b, c)); } catch (SQLException e) { throw failed(e); } }
    @Override public CallableStatement prepareCall(String a, int b, int c, int d) throws SQLException { check(); try { return new RouterCallableStatement(this, raw.prepareCall(a, b, c, d)); } catch (SQLException e) { throw failed(e); } }
    @Override public PreparedStatement prepareStatement(String a) throws SQLException { check(); try { return new RouterPreparedStatement(this, raw.prepareStatement(a)); } catch (SQLException e) { throw failed(e); } }
    @Override public PreparedStatement prepareStatement(String a, int[] b) throws SQLException { check(); try { return new RouterPreparedStatement(this, raw.prepareStatement(a, b)); } catch (SQLException e) { throw failed(e); } }
    @Override public PreparedStatement prepareStatement(String a, String[] b) throws SQLException { check(); try { return new RouterPreparedStatement(this, raw.prepareStatement(a, b)); } catch (SQLException e) { throw failed(e); } }
    @Override public PreparedStatement prepareStatement(String a, int b) throws SQLException { check(); try { return new RouterPreparedStatement(this, raw.prepareStatement(a, b)); } catch (SQLException e) { throw failed(e); } }
    @Override public PreparedStatement prepareStatement(String a, int b, int c) throws SQLException { check(); try { return new RouterPreparedStatement(this, raw.prepareStatement(a, b, c)); } catch (SQLException e) { throw failed(e); } }
    @Override public PreparedStatement prepareStatement(String a, int b, int c, int d) throws SQLException { check(); try { return new RouterPreparedStatement(this, raw.prepareStatement(a, b, c, d)); } catch (SQLException e) { throw failed(e); } }
    @Override public void releaseSavepoint(Savepoint a) throws SQLException { check(); try { raw.releaseSavepoint(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void rollback() throws SQLException { check(); try { raw.rollback(); } catch (SQLException e) { throw failed(e); } }
    @Override public void rollback(Savepoint a) throws SQLException { check(); try { raw.rollback(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setAutoCommit(boolean a) throws SQLException { check(); try { raw.setAutoCommit(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setCatalog(String a) throws SQLException { check(); try { raw.setCatalog(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setClientInfo(Properties a) throws SQLClientInfoException { checkClientInfo(); raw.setClientInfo(a); }
    @Override public void setClientInfo(String a, String b) throws SQLClientInfoException { checkClientInfo(); raw.setClientInfo(a, b); }

    /** {@link #check()} for the two methods that may only throw {@link SQLClientInfoException}. */
    private void checkClientInfo() throws SQLClientInfoException {
        try {
            check();
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }
    @Override public void setHoldability(int a) throws SQLException { check(); try { raw.setHoldability(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setNetworkTimeout(Executor a, int b) throws SQLException { check(); try { raw.setNetworkTimeout(a, b); } catch (SQLException e) { throw failed(e); } }
    @Override public void setReadOnly(boolean a) throws SQLException { check(); try { raw.setReadOnly(a); } catch (SQLException e) { throw failed(e); } }
    @Override public Savepoint setSavepoint() throws SQLException { check(); try { return raw.setSavepoint(); } catch (SQLException e) { throw failed(e); } }
    @Override public Savepoint setSavepoint(String a) throws SQLException { check(); try { return raw.setSavepoint(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setSchema(String a) throws SQLException { check(); try { raw.setSchema(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setShardingKey(ShardingKey a) throws SQLException { check(); try { raw.setShardingKey(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setShardingKey(ShardingKey a, ShardingKey b) throws SQLException { check(); try { raw.setShardingKey(a, b); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean setShardingKeyIfValid(ShardingKey a, int b) throws SQLException { check(); try { return raw.setShardingKeyIfValid(a, b); } catch (SQLException e) { throw failed(e); } }
    @Override public boolean setShardingKeyIfValid(ShardingKey a, ShardingKey b, int c) throws SQLException { check(); try { return raw.setShardingKeyIfValid(a, b, c); } catch (SQLException e) { throw failed(e); } }
    @Override public void setTransactionIsolation(int a) throws SQLException { check(); try { raw.setTransactionIsolation(a); } catch (SQLException e) { throw failed(e); } }
    @Override public void setTypeMap(Map<String, Class<?>> a) throws SQLException { check(); try { raw.setTypeMap(a); } catch (SQLException e) { throw failed(e); } }
}
