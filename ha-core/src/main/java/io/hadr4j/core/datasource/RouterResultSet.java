package io.hadr4j.core.datasource;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.*;
import java.util.Calendar;
import java.util.Map;

/**
 * A {@link ResultSet} of a {@link RouterStatement}: a plain delegating wrapper, so that an error raised while a
 * result is read (a connection lost in the middle of a streamed result, with a fetch size) reaches the router like
 * any other error of the connection, and {@link #getStatement()} returns the router's statement rather than the
 * pool's. Reading columns does no check: the rows are already here. The three methods that write through the
 * result ({@code insertRow}, {@code updateRow}, {@code deleteRow}) fail on a fenced endpoint as statements do.
 * The delegating methods, one a line, are generated from the interface (JDK 17).
 */
@SuppressWarnings("deprecation")
final class RouterResultSet extends RouterWrapper implements ResultSet {

    private final RouterConnection c;
    private final Statement owner;
    private final ResultSet r;

    private RouterResultSet(RouterConnection c, Statement owner, ResultSet r) {
        this.c = c;
        this.owner = owner;
        this.r = r;
    }

    /** Wraps {@code r} (null stays null: a statement without a result). */
    static ResultSet wrap(RouterConnection c, Statement owner, ResultSet r) {
        return r == null ? null : new RouterResultSet(c, owner, r);
    }

    @Override
    public void close() throws SQLException {
        try {
            r.close();
        } catch (SQLException e) {
            throw c.failed(e);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        try {
            return r.isClosed();
        } catch (SQLException e) {
            throw c.failed(e);
        }
    }

    /** The router's statement, not the pool's. */
    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    Wrapper wrapped() {
        return r;
    }

    @Override
    public String toString() {
        return "hadr4j result on " + c.nodeName() + " (" + r + ")";
    }

    // ---- the rest of ResultSet, generated
    @Override public <T> T getObject(String p0, Class<T> p1) throws SQLException { try { return r.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public <T> T getObject(int p0, Class<T> p1) throws SQLException { try { return r.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Array getArray(String p0) throws SQLException { try { return r.getArray(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Array getArray(int p0) throws SQLException { try { return r.getArray(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(String p0) throws SQLException { try { return r.getBigDecimal(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(String p0, int p1) throws SQLException { try { return r.getBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(int p0) throws SQLException { try { return r.getBigDecimal(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(int p0, int p1) throws SQLException { try { return r.getBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Blob getBlob(String p0) throws SQLException { try { return r.getBlob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Blob getBlob(int p0) throws SQLException { try { return r.getBlob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Clob getClob(String p0) throws SQLException { try { return r.getClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Clob getClob(int p0) throws SQLException { try { return r.getClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(String p0) throws SQLException { try { return r.getDate(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(String p0, Calendar p1) throws SQLException { try { return r.getDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(int p0) throws SQLException { try { return r.getDate(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(int p0, Calendar p1) throws SQLException { try { return r.getDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public InputStream getAsciiStream(String p0) throws SQLException { try { return r.getAsciiStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public InputStream getAsciiStream(int p0) throws SQLException { try { return r.getAsciiStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public InputStream getBinaryStream(String p0) throws SQLException { try { return r.getBinaryStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public InputStream getBinaryStream(int p0) throws SQLException { try { return r.getBinaryStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public InputStream getUnicodeStream(String p0) throws SQLException { try { return r.getUnicodeStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public InputStream getUnicodeStream(int p0) throws SQLException { try { return r.getUnicodeStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public NClob getNClob(String p0) throws SQLException { try { return r.getNClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public NClob getNClob(int p0) throws SQLException { try { return r.getNClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(String p0) throws SQLException { try { return r.getObject(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(String p0, Map<String, Class<?>> p1) throws SQLException { try { return r.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(int p0) throws SQLException { try { return r.getObject(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(int p0, Map<String, Class<?>> p1) throws SQLException { try { return r.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getCharacterStream(String p0) throws SQLException { try { return r.getCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getCharacterStream(int p0) throws SQLException { try { return r.getCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getNCharacterStream(String p0) throws SQLException { try { return r.getNCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getNCharacterStream(int p0) throws SQLException { try { return r.getNCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Ref getRef(String p0) throws SQLException { try { return r.getRef(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Ref getRef(int p0) throws SQLException { try { return r.getRef(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSetMetaData getMetaData() throws SQLException { try { return r.getMetaData(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public RowId getRowId(String p0) throws SQLException { try { return r.getRowId(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public RowId getRowId(int p0) throws SQLException { try { return r.getRowId(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public SQLWarning getWarnings() throws SQLException { try { return r.getWarnings(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public SQLXML getSQLXML(String p0) throws SQLException { try { return r.getSQLXML(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public SQLXML getSQLXML(int p0) throws SQLException { try { return r.getSQLXML(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getCursorName() throws SQLException { try { return r.getCursorName(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getNString(String p0) throws SQLException { try { return r.getNString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getNString(int p0) throws SQLException { try { return r.getNString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getString(String p0) throws SQLException { try { return r.getString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getString(int p0) throws SQLException { try { return r.getString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(String p0) throws SQLException { try { return r.getTime(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(String p0, Calendar p1) throws SQLException { try { return r.getTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(int p0) throws SQLException { try { return r.getTime(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(int p0, Calendar p1) throws SQLException { try { return r.getTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(String p0) throws SQLException { try { return r.getTimestamp(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(String p0, Calendar p1) throws SQLException { try { return r.getTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(int p0) throws SQLException { try { return r.getTimestamp(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(int p0, Calendar p1) throws SQLException { try { return r.getTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public URL getURL(String p0) throws SQLException { try { return r.getURL(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public URL getURL(int p0) throws SQLException { try { return r.getURL(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean absolute(int p0) throws SQLException { try { return r.absolute(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean first() throws SQLException { try { return r.first(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean getBoolean(String p0) throws SQLException { try { return r.getBoolean(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean getBoolean(int p0) throws SQLException { try { return r.getBoolean(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isAfterLast() throws SQLException { try { return r.isAfterLast(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isBeforeFirst() throws SQLException { try { return r.isBeforeFirst(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isFirst() throws SQLException { try { return r.isFirst(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean isLast() throws SQLException { try { return r.isLast(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean last() throws SQLException { try { return r.last(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean next() throws SQLException { try { return r.next(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean previous() throws SQLException { try { return r.previous(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean relative(int p0) throws SQLException { try { return r.relative(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean rowDeleted() throws SQLException { try { return r.rowDeleted(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean rowInserted() throws SQLException { try { return r.rowInserted(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean rowUpdated() throws SQLException { try { return r.rowUpdated(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean wasNull() throws SQLException { try { return r.wasNull(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte getByte(String p0) throws SQLException { try { return r.getByte(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte getByte(int p0) throws SQLException { try { return r.getByte(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte[] getBytes(String p0) throws SQLException { try { return r.getBytes(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte[] getBytes(int p0) throws SQLException { try { return r.getBytes(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public double getDouble(String p0) throws SQLException { try { return r.getDouble(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public double getDouble(int p0) throws SQLException { try { return r.getDouble(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public float getFloat(String p0) throws SQLException { try { return r.getFloat(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public float getFloat(int p0) throws SQLException { try { return r.getFloat(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int findColumn(String p0) throws SQLException { try { return r.findColumn(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getConcurrency() throws SQLException { try { return r.getConcurrency(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getFetchDirection() throws SQLException { try { return r.getFetchDirection(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getFetchSize() throws SQLException { try { return r.getFetchSize(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getHoldability() throws SQLException { try { return r.getHoldability(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getInt(String p0) throws SQLException { try { return r.getInt(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getInt(int p0) throws SQLException { try { return r.getInt(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getRow() throws SQLException { try { return r.getRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getType() throws SQLException { try { return r.getType(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getLong(String p0) throws SQLException { try { return r.getLong(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getLong(int p0) throws SQLException { try { return r.getLong(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public short getShort(String p0) throws SQLException { try { return r.getShort(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public short getShort(int p0) throws SQLException { try { return r.getShort(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void afterLast() throws SQLException { try { r.afterLast(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void beforeFirst() throws SQLException { try { r.beforeFirst(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void cancelRowUpdates() throws SQLException { try { r.cancelRowUpdates(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void clearWarnings() throws SQLException { try { r.clearWarnings(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void deleteRow() throws SQLException { c.check(); try { r.deleteRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void insertRow() throws SQLException { c.check(); try { r.insertRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void moveToCurrentRow() throws SQLException { try { r.moveToCurrentRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void moveToInsertRow() throws SQLException { try { r.moveToInsertRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void refreshRow() throws SQLException { try { r.refreshRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setFetchDirection(int p0) throws SQLException { try { r.setFetchDirection(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setFetchSize(int p0) throws SQLException { try { r.setFetchSize(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateArray(String p0, Array p1) throws SQLException { try { r.updateArray(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateArray(int p0, Array p1) throws SQLException { try { r.updateArray(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateAsciiStream(String p0, InputStream p1) throws SQLException { try { r.updateAsciiStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateAsciiStream(String p0, InputStream p1, int p2) throws SQLException { try { r.updateAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateAsciiStream(String p0, InputStream p1, long p2) throws SQLException { try { r.updateAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateAsciiStream(int p0, InputStream p1) throws SQLException { try { r.updateAsciiStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateAsciiStream(int p0, InputStream p1, int p2) throws SQLException { try { r.updateAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateAsciiStream(int p0, InputStream p1, long p2) throws SQLException { try { r.updateAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBigDecimal(String p0, BigDecimal p1) throws SQLException { try { r.updateBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBigDecimal(int p0, BigDecimal p1) throws SQLException { try { r.updateBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBinaryStream(String p0, InputStream p1) throws SQLException { try { r.updateBinaryStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBinaryStream(String p0, InputStream p1, int p2) throws SQLException { try { r.updateBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBinaryStream(String p0, InputStream p1, long p2) throws SQLException { try { r.updateBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBinaryStream(int p0, InputStream p1) throws SQLException { try { r.updateBinaryStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBinaryStream(int p0, InputStream p1, int p2) throws SQLException { try { r.updateBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBinaryStream(int p0, InputStream p1, long p2) throws SQLException { try { r.updateBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBlob(String p0, Blob p1) throws SQLException { try { r.updateBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBlob(String p0, InputStream p1) throws SQLException { try { r.updateBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBlob(String p0, InputStream p1, long p2) throws SQLException { try { r.updateBlob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBlob(int p0, Blob p1) throws SQLException { try { r.updateBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBlob(int p0, InputStream p1) throws SQLException { try { r.updateBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBlob(int p0, InputStream p1, long p2) throws SQLException { try { r.updateBlob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBoolean(String p0, boolean p1) throws SQLException { try { r.updateBoolean(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBoolean(int p0, boolean p1) throws SQLException { try { r.updateBoolean(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateByte(String p0, byte p1) throws SQLException { try { r.updateByte(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateByte(int p0, byte p1) throws SQLException { try { r.updateByte(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBytes(String p0, byte[] p1) throws SQLException { try { r.updateBytes(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateBytes(int p0, byte[] p1) throws SQLException { try { r.updateBytes(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateCharacterStream(String p0, Reader p1) throws SQLException { try { r.updateCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateCharacterStream(String p0, Reader p1, int p2) throws SQLException { try { r.updateCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateCharacterStream(String p0, Reader p1, long p2) throws SQLException { try { r.updateCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateCharacterStream(int p0, Reader p1) throws SQLException { try { r.updateCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateCharacterStream(int p0, Reader p1, int p2) throws SQLException { try { r.updateCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateCharacterStream(int p0, Reader p1, long p2) throws SQLException { try { r.updateCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateClob(String p0, Clob p1) throws SQLException { try { r.updateClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateClob(String p0, Reader p1) throws SQLException { try { r.updateClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateClob(String p0, Reader p1, long p2) throws SQLException { try { r.updateClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateClob(int p0, Clob p1) throws SQLException { try { r.updateClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateClob(int p0, Reader p1) throws SQLException { try { r.updateClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateClob(int p0, Reader p1, long p2) throws SQLException { try { r.updateClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateDate(String p0, Date p1) throws SQLException { try { r.updateDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateDate(int p0, Date p1) throws SQLException { try { r.updateDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateDouble(String p0, double p1) throws SQLException { try { r.updateDouble(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateDouble(int p0, double p1) throws SQLException { try { r.updateDouble(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateFloat(String p0, float p1) throws SQLException { try { r.updateFloat(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateFloat(int p0, float p1) throws SQLException { try { r.updateFloat(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateInt(String p0, int p1) throws SQLException { try { r.updateInt(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateInt(int p0, int p1) throws SQLException { try { r.updateInt(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateLong(String p0, long p1) throws SQLException { try { r.updateLong(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateLong(int p0, long p1) throws SQLException { try { r.updateLong(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNCharacterStream(String p0, Reader p1) throws SQLException { try { r.updateNCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNCharacterStream(String p0, Reader p1, long p2) throws SQLException { try { r.updateNCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNCharacterStream(int p0, Reader p1) throws SQLException { try { r.updateNCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNCharacterStream(int p0, Reader p1, long p2) throws SQLException { try { r.updateNCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNClob(String p0, NClob p1) throws SQLException { try { r.updateNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNClob(String p0, Reader p1) throws SQLException { try { r.updateNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNClob(String p0, Reader p1, long p2) throws SQLException { try { r.updateNClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNClob(int p0, NClob p1) throws SQLException { try { r.updateNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNClob(int p0, Reader p1) throws SQLException { try { r.updateNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNClob(int p0, Reader p1, long p2) throws SQLException { try { r.updateNClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNString(String p0, String p1) throws SQLException { try { r.updateNString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNString(int p0, String p1) throws SQLException { try { r.updateNString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNull(String p0) throws SQLException { try { r.updateNull(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateNull(int p0) throws SQLException { try { r.updateNull(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(String p0, Object p1) throws SQLException { try { r.updateObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(String p0, Object p1, SQLType p2) throws SQLException { try { r.updateObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(String p0, Object p1, SQLType p2, int p3) throws SQLException { try { r.updateObject(p0, p1, p2, p3); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(String p0, Object p1, int p2) throws SQLException { try { r.updateObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(int p0, Object p1) throws SQLException { try { r.updateObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(int p0, Object p1, SQLType p2) throws SQLException { try { r.updateObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(int p0, Object p1, SQLType p2, int p3) throws SQLException { try { r.updateObject(p0, p1, p2, p3); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateObject(int p0, Object p1, int p2) throws SQLException { try { r.updateObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateRef(String p0, Ref p1) throws SQLException { try { r.updateRef(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateRef(int p0, Ref p1) throws SQLException { try { r.updateRef(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateRow() throws SQLException { c.check(); try { r.updateRow(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateRowId(String p0, RowId p1) throws SQLException { try { r.updateRowId(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateRowId(int p0, RowId p1) throws SQLException { try { r.updateRowId(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateSQLXML(String p0, SQLXML p1) throws SQLException { try { r.updateSQLXML(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateSQLXML(int p0, SQLXML p1) throws SQLException { try { r.updateSQLXML(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateShort(String p0, short p1) throws SQLException { try { r.updateShort(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateShort(int p0, short p1) throws SQLException { try { r.updateShort(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateString(String p0, String p1) throws SQLException { try { r.updateString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateString(int p0, String p1) throws SQLException { try { r.updateString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateTime(String p0, Time p1) throws SQLException { try { r.updateTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateTime(int p0, Time p1) throws SQLException { try { r.updateTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateTimestamp(String p0, Timestamp p1) throws SQLException { try { r.updateTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void updateTimestamp(int p0, Timestamp p1) throws SQLException { try { r.updateTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
}
