package io.hadr4j.core.datasource;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.*;
import java.util.Calendar;
import java.util.Map;

/**
 * A {@link CallableStatement} handed out by a {@link RouterConnection}: a plain delegating wrapper (one allocation, no
 * reflection), with the connection's error handling: every call but {@code close()}, {@code isClosed()},
 * {@code getConnection()}, {@code unwrap()} and {@code isWrapperFor()} fails once the endpoint is fenced, and every
 * {@link SQLException} is reported to the router and rethrown as is. The delegating methods, one a line, all have
 * the shape {@code c.check(); try { return s.x(...); } catch (SQLException e) { throw c.failed(e); }} and are
 * generated from the interface (JDK 17), so that none is forgotten; the methods of the interfaces it extends come
 * from the superclass.
 */
@SuppressWarnings("deprecation")
class RouterCallableStatement extends RouterPreparedStatement implements CallableStatement {

    private final CallableStatement s; // the same object as the superclass's, with its own type

    RouterCallableStatement(RouterConnection c, CallableStatement s) {
        super(c, s);
        this.s = s;
    }

    // ---- the rest of CallableStatement, generated
    @Override public Array getArray(int p0) throws SQLException { c.check(); try { return s.getArray(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Array getArray(String p0) throws SQLException { c.check(); try { return s.getArray(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(int p0) throws SQLException { c.check(); try { return s.getBigDecimal(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(int p0, int p1) throws SQLException { c.check(); try { return s.getBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public BigDecimal getBigDecimal(String p0) throws SQLException { c.check(); try { return s.getBigDecimal(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Blob getBlob(int p0) throws SQLException { c.check(); try { return s.getBlob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Blob getBlob(String p0) throws SQLException { c.check(); try { return s.getBlob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean getBoolean(int p0) throws SQLException { c.check(); try { return s.getBoolean(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean getBoolean(String p0) throws SQLException { c.check(); try { return s.getBoolean(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte getByte(int p0) throws SQLException { c.check(); try { return s.getByte(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte getByte(String p0) throws SQLException { c.check(); try { return s.getByte(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte[] getBytes(int p0) throws SQLException { c.check(); try { return s.getBytes(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public byte[] getBytes(String p0) throws SQLException { c.check(); try { return s.getBytes(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getCharacterStream(int p0) throws SQLException { c.check(); try { return s.getCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getCharacterStream(String p0) throws SQLException { c.check(); try { return s.getCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Clob getClob(int p0) throws SQLException { c.check(); try { return s.getClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Clob getClob(String p0) throws SQLException { c.check(); try { return s.getClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(int p0) throws SQLException { c.check(); try { return s.getDate(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(int p0, Calendar p1) throws SQLException { c.check(); try { return s.getDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(String p0) throws SQLException { c.check(); try { return s.getDate(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Date getDate(String p0, Calendar p1) throws SQLException { c.check(); try { return s.getDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public double getDouble(int p0) throws SQLException { c.check(); try { return s.getDouble(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public double getDouble(String p0) throws SQLException { c.check(); try { return s.getDouble(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public float getFloat(int p0) throws SQLException { c.check(); try { return s.getFloat(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public float getFloat(String p0) throws SQLException { c.check(); try { return s.getFloat(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getInt(int p0) throws SQLException { c.check(); try { return s.getInt(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public int getInt(String p0) throws SQLException { c.check(); try { return s.getInt(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getLong(int p0) throws SQLException { c.check(); try { return s.getLong(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public long getLong(String p0) throws SQLException { c.check(); try { return s.getLong(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getNCharacterStream(int p0) throws SQLException { c.check(); try { return s.getNCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Reader getNCharacterStream(String p0) throws SQLException { c.check(); try { return s.getNCharacterStream(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public NClob getNClob(int p0) throws SQLException { c.check(); try { return s.getNClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public NClob getNClob(String p0) throws SQLException { c.check(); try { return s.getNClob(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getNString(int p0) throws SQLException { c.check(); try { return s.getNString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getNString(String p0) throws SQLException { c.check(); try { return s.getNString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(int p0) throws SQLException { c.check(); try { return s.getObject(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public <T> T getObject(int p0, Class<T> p1) throws SQLException { c.check(); try { return s.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(int p0, Map<String, Class<?>> p1) throws SQLException { c.check(); try { return s.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(String p0) throws SQLException { c.check(); try { return s.getObject(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public <T> T getObject(String p0, Class<T> p1) throws SQLException { c.check(); try { return s.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Object getObject(String p0, Map<String, Class<?>> p1) throws SQLException { c.check(); try { return s.getObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Ref getRef(int p0) throws SQLException { c.check(); try { return s.getRef(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Ref getRef(String p0) throws SQLException { c.check(); try { return s.getRef(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public RowId getRowId(int p0) throws SQLException { c.check(); try { return s.getRowId(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public RowId getRowId(String p0) throws SQLException { c.check(); try { return s.getRowId(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public SQLXML getSQLXML(int p0) throws SQLException { c.check(); try { return s.getSQLXML(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public SQLXML getSQLXML(String p0) throws SQLException { c.check(); try { return s.getSQLXML(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public short getShort(int p0) throws SQLException { c.check(); try { return s.getShort(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public short getShort(String p0) throws SQLException { c.check(); try { return s.getShort(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getString(int p0) throws SQLException { c.check(); try { return s.getString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public String getString(String p0) throws SQLException { c.check(); try { return s.getString(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(int p0) throws SQLException { c.check(); try { return s.getTime(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(int p0, Calendar p1) throws SQLException { c.check(); try { return s.getTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(String p0) throws SQLException { c.check(); try { return s.getTime(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Time getTime(String p0, Calendar p1) throws SQLException { c.check(); try { return s.getTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(int p0) throws SQLException { c.check(); try { return s.getTimestamp(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(int p0, Calendar p1) throws SQLException { c.check(); try { return s.getTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(String p0) throws SQLException { c.check(); try { return s.getTimestamp(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public Timestamp getTimestamp(String p0, Calendar p1) throws SQLException { c.check(); try { return s.getTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public URL getURL(int p0) throws SQLException { c.check(); try { return s.getURL(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public URL getURL(String p0) throws SQLException { c.check(); try { return s.getURL(p0); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(int p0, int p1) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(int p0, int p1, int p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(int p0, int p1, String p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(int p0, SQLType p1) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(int p0, SQLType p1, int p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(int p0, SQLType p1, String p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(String p0, int p1) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(String p0, int p1, int p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(String p0, int p1, String p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(String p0, SQLType p1) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(String p0, SQLType p1, int p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void registerOutParameter(String p0, SQLType p1, String p2) throws SQLException { c.check(); try { s.registerOutParameter(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setAsciiStream(String p0, InputStream p1) throws SQLException { c.check(); try { s.setAsciiStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setAsciiStream(String p0, InputStream p1, int p2) throws SQLException { c.check(); try { s.setAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setAsciiStream(String p0, InputStream p1, long p2) throws SQLException { c.check(); try { s.setAsciiStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBigDecimal(String p0, BigDecimal p1) throws SQLException { c.check(); try { s.setBigDecimal(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBinaryStream(String p0, InputStream p1) throws SQLException { c.check(); try { s.setBinaryStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBinaryStream(String p0, InputStream p1, int p2) throws SQLException { c.check(); try { s.setBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBinaryStream(String p0, InputStream p1, long p2) throws SQLException { c.check(); try { s.setBinaryStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBlob(String p0, InputStream p1) throws SQLException { c.check(); try { s.setBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBlob(String p0, InputStream p1, long p2) throws SQLException { c.check(); try { s.setBlob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBlob(String p0, Blob p1) throws SQLException { c.check(); try { s.setBlob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBoolean(String p0, boolean p1) throws SQLException { c.check(); try { s.setBoolean(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setByte(String p0, byte p1) throws SQLException { c.check(); try { s.setByte(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setBytes(String p0, byte[] p1) throws SQLException { c.check(); try { s.setBytes(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCharacterStream(String p0, Reader p1) throws SQLException { c.check(); try { s.setCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCharacterStream(String p0, Reader p1, int p2) throws SQLException { c.check(); try { s.setCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setCharacterStream(String p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setClob(String p0, Reader p1) throws SQLException { c.check(); try { s.setClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setClob(String p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setClob(String p0, Clob p1) throws SQLException { c.check(); try { s.setClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setDate(String p0, Date p1) throws SQLException { c.check(); try { s.setDate(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setDate(String p0, Date p1, Calendar p2) throws SQLException { c.check(); try { s.setDate(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setDouble(String p0, double p1) throws SQLException { c.check(); try { s.setDouble(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setFloat(String p0, float p1) throws SQLException { c.check(); try { s.setFloat(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setInt(String p0, int p1) throws SQLException { c.check(); try { s.setInt(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setLong(String p0, long p1) throws SQLException { c.check(); try { s.setLong(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNCharacterStream(String p0, Reader p1) throws SQLException { c.check(); try { s.setNCharacterStream(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNCharacterStream(String p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setNCharacterStream(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNClob(String p0, Reader p1) throws SQLException { c.check(); try { s.setNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNClob(String p0, Reader p1, long p2) throws SQLException { c.check(); try { s.setNClob(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNClob(String p0, NClob p1) throws SQLException { c.check(); try { s.setNClob(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNString(String p0, String p1) throws SQLException { c.check(); try { s.setNString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNull(String p0, int p1) throws SQLException { c.check(); try { s.setNull(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setNull(String p0, int p1, String p2) throws SQLException { c.check(); try { s.setNull(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(String p0, Object p1) throws SQLException { c.check(); try { s.setObject(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(String p0, Object p1, int p2) throws SQLException { c.check(); try { s.setObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(String p0, Object p1, int p2, int p3) throws SQLException { c.check(); try { s.setObject(p0, p1, p2, p3); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(String p0, Object p1, SQLType p2) throws SQLException { c.check(); try { s.setObject(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setObject(String p0, Object p1, SQLType p2, int p3) throws SQLException { c.check(); try { s.setObject(p0, p1, p2, p3); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setRowId(String p0, RowId p1) throws SQLException { c.check(); try { s.setRowId(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setSQLXML(String p0, SQLXML p1) throws SQLException { c.check(); try { s.setSQLXML(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setShort(String p0, short p1) throws SQLException { c.check(); try { s.setShort(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setString(String p0, String p1) throws SQLException { c.check(); try { s.setString(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTime(String p0, Time p1) throws SQLException { c.check(); try { s.setTime(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTime(String p0, Time p1, Calendar p2) throws SQLException { c.check(); try { s.setTime(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTimestamp(String p0, Timestamp p1) throws SQLException { c.check(); try { s.setTimestamp(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setTimestamp(String p0, Timestamp p1, Calendar p2) throws SQLException { c.check(); try { s.setTimestamp(p0, p1, p2); } catch (SQLException e) { throw c.failed(e); } }
    @Override public void setURL(String p0, URL p1) throws SQLException { c.check(); try { s.setURL(p0, p1); } catch (SQLException e) { throw c.failed(e); } }
    @Override public boolean wasNull() throws SQLException { c.check(); try { return s.wasNull(); } catch (SQLException e) { throw c.failed(e); } }
}
