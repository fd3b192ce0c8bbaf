package io.hadr4j.core.datasource;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.*;
import java.util.Calendar;
import java.util.Map;

/**
 * A {@link PreparedStatement} handed out by a {@link RouterConnection}: a plain delegating wrapper (one allocation, no
 * reflection), with the connection's error handling: every call but {@code close()}, {@code isClosed()},
 * {@code getConnection()}, {@code unwrap()} and {@code isWrapperFor()} fails once the endpoint is fenced, and every
 * {@link SQLException} is reported to the router and rethrown as is. The delegating methods, one a line, all have
 * the shape {@code c.check(); try { return s.x(...); } catch (SQLException e) { throw c.failed(e); }} and are
 * generated from the interface (JDK 17), so that none is forgotten; the methods of the interfaces it extends come
 * from the superclass.
 */
@SuppressWarnings("deprecation")
class RouterPreparedStatement extends RouterStatement implements PreparedStatement {

    private final PreparedStatement s; // the same object as the superclass's, with its own type

    RouterPreparedStatement(RouterConnection c, PreparedStatement s) {
        super(c, s);
        this.s = s;
    }

    // ---- the rest of PreparedStatement, generated
    @Override public void addBatch() throws SQLException { c.check(); try { s.addBatch(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void clearParameters() throws SQLException { c.check(); try { s.clearParameters(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean execute() throws SQLException { c.check(); try { return s.execute(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long executeLargeUpdate() throws SQLException { c.check(); try { return s.executeLargeUpdate(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSet executeQuery() throws SQLException { c.check(); try { return RouterResultSet.wrap(c, this, s.executeQuery()); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int executeUpdate() throws SQLException { c.check(); try { return s.executeUpdate(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ResultSetMetaData getMetaData() throws SQLException { c.check(); try { return s.getMetaData(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public ParameterMetaData getParameterMetaData() throws SQLException { c.check(); try { return s.getParameterMetaData(); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setArray(int p0, Array p1) throws SQLException { c.check(); try { s.setArray(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setAsciiStream(int p0, InputStream p1) throws SQLException { c.check(); try { s.setAsciiStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setAsciiStream(int p0, InputStream p1, int p2) throws SQLException { c.check(); try { s.setAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setAsciiStream(int p0, InputStream p1, long p2) throws SQLException { c.check(); try { s.setAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBigDecimal(int p0, BigDecimal p1) throws SQLException { c.check(); try { s.setBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBinaryStream(int p0, InputStream p1) throws SQLException { c.check(); try { s.setBinaryStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBinaryStream(int p0, InputStream p1, int p2) throws SQLException { c.check(); try { s.setBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBinaryStream(int p0, InputStream p1, long p2) throws SQLException { c.check(); try { s.setBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBlob(int p0, InputStream p1) throws SQLException { c.check(); try { s.setBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBlob(int p0, InputStream p1, long p2) throws SQLException { c.check(); try { s.setBlob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBlob(int p0, Blob p1) throws SQLException { c.check(); try { s.setBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBoolean(int p0, boolean p1) throws SQLException { c.check(); try { s.setBoolean(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setByte(int p0, byte p1) throws SQLException { c.check(); try { s.setByte(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBytes(int p0, byte[] p1) throws SQLException { c.check(); try { s.setBytes(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCharacterStream(int p0, Reader p1) throws SQLException { c.check(); try { s.setCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCharacterStream(int p0, Reader p1, int p2) throws SQLException { c.check(); try { s.setCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCharacterStream(int p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setClob(int p0, Reader p1) throws SQLException { c.check(); try { s.setClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setClob(int p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setClob(int p0, Clob p1) throws SQLException { c.check(); try { s.setClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setDate(int p0, Date p1) throws SQLException { c.check(); try { s.setDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setDate(int p0, Date p1, Calendar p2) throws SQLException { c.check(); try { s.setDate(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setDouble(int p0, double p1) throws SQLException { c.check(); try { s.setDouble(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setFloat(int p0, float p1) throws SQLException { c.check(); try { s.setFloat(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setInt(int p0, int p1) throws SQLException { c.check(); try { s.setInt(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setLong(int p0, long p1) throws SQLException { c.check(); try { s.setLong(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNCharacterStream(int p0, Reader p1) throws SQLException { c.check(); try { s.setNCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNCharacterStream(int p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setNCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNClob(int p0, Reader p1) throws SQLException { c.check(); try { s.setNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNClob(int p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setNClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNClob(int p0, NClob p1) throws SQLException { c.check(); try { s.setNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNString(int p0, String p1) throws SQLException { c.check(); try { s.setNString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNull(int p0, int p1) throws SQLException { c.check(); try { s.setNull(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNull(int p0, int p1, String p2) throws SQLException { c.check(); try { s.setNull(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(int p0, Object p1) throws SQLException { c.check(); try { s.setObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(int p0, Object p1, int p2) throws SQLException { c.check(); try { s.setObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(int p0, Object p1, int p2, int p3) throws SQLException { c.check(); try { s.setObject(p0, p1, p2, p3); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(int p0, Object p1, SQLType p2) throws SQLException { c.check(); try { s.setObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(int p0, Object p1, SQLType p2, int p3) throws SQLException { c.check(); try { s.setObject(p0, p1, p2, p3); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setRef(int p0, Ref p1) throws SQLException { c.check(); try { s.setRef(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setRowId(int p0, RowId p1) throws SQLException { c.check(); try { s.setRowId(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setSQLXML(int p0, SQLXML p1) throws SQLException { c.check(); try { s.setSQLXML(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setShort(int p0, short p1) throws SQLException { c.check(); try { s.setShort(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setString(int p0, String p1) throws SQLException { c.check(); try { s.setString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTime(int p0, Time p1) throws SQLException { c.check(); try { s.setTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTime(int p0, Time p1, Calendar p2) throws SQLException { c.check(); try { s.setTime(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTimestamp(int p0, Timestamp p1) throws SQLException { c.check(); try { s.setTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTimestamp(int p0, Timestamp p1, Calendar p2) throws SQLException { c.check(); try { s.setTimestamp(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setURL(int p0, URL p1) throws SQLException { c.check(); try { s.setURL(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setUnicodeStream(int p0, InputStream p1, int p2) throws SQLException { c.check(); try { s.setUnicodeStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
}
