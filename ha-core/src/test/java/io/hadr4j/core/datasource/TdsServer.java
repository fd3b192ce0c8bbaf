package io.hadr4j.core.datasource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that speaks just enough TDS (the SQL Server wire protocol, [MS-TDS]) for the real mssql-jdbc
 * driver to log in and run plain statements, so that the exceptions the SQL Server dialect classifies are the ones
 * the driver itself builds from a server's error message (its class, vendor code and SQLState), not ones a test
 * constructed. It holds no data: it answers by the shape of each SQL batch.
 *
 * <ul>
 *   <li>{@link #failLogin(int, String)}: every login is answered with that server error.
 *   <li>the role query of {@link SqlServerDialect} gets {@code READ_WRITE} or, after {@link #setReadOnly(boolean)},
 *       {@code READ_ONLY}; the geo-replication view does not exist (error 208, as on SQL Server outside Azure);
 *   <li>{@code INSERT} succeeds (one row), or fails with 3906 while read-only;
 *   <li>{@code SELECT 1} (the driver's {@code isValid}) returns 1;
 *   <li>a batch that names {@code RAISE <number>} fails with that server error;
 *   <li>a batch that names {@code RESET} makes the server reset the connection instead of answering;
 *   <li>anything else succeeds with no result.
 * </ul>
 *
 * Plain TDS 7.4 without TLS: the driver must connect with {@code encrypt=false}.
 */
final class TdsServer implements AutoCloseable {

    private static final int PRELOGIN = 0x12;
    private static final int REPLY = 0x04;
    private static final int SQL_BATCH = 0x01;
    private static final int ATTENTION = 0x06;
    private static final int DONE_ERROR = 0x02;
    private static final int DONE_COUNT = 0x10;

    private final ServerSocket socket;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private volatile boolean readOnly;
    private volatile int loginError;
    private volatile String loginMessage;
    private volatile boolean closed;

    TdsServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tds-server-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A JDBC URL for mssql-jdbc to this server. */
    String url() {
        return "jdbc:sqlserver://127.0.0.1:" + socket.getLocalPort() + ";databaseName=hadr;encrypt=false;"
                + "loginTimeout=5;connectRetryCount=0";
    }

    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** From now on every login fails with this server error (0: logins succeed again). */
    void failLogin(int number, String message) {
        this.loginMessage = message;
        this.loginError = number;
    }

    /** The SQL batches received so far, in order. */
    List<String> batches() {
        return batches;
    }

    int logins() {
        return logins.get();
    }

    /** Stops listening and resets every open connection, as a server that went away would. */
    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : open) reset(s);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "tds-session-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) throw new IllegalStateException("the TDS test server failed to accept", e);
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Message prelogin = Message.read(in);
            if (prelogin == null || prelogin.type != PRELOGIN) return;
            reply(out, preloginResponse());
            if (Message.read(in) == null) return; // LOGIN7: user and password are not looked at
            logins.incrementAndGet();
            int refuse = loginError;
            if (refuse != 0) {
                reply(out, failure(refuse, 20, loginMessage, 0));
                return;
            }
            reply(out, concat(loginAck(), done(0, 0, 0)));
            Message m;
            while ((m = Message.read(in)) != null) {
                if (m.type == ATTENTION) {
                    reply(out, done(0x0020, 0, 0)); // DONE_ATTN
                    continue;
                }
                if (m.type != SQL_BATCH) {
                    reply(out, failure(40000, 16, "the hadr4j TDS test server runs plain SQL batches only", 0));
                    continue;
                }
                String sql = m.batchText();
                batches.add(sql);
                byte[] answer = answer(sql);
                if (answer == null) {
                    reset(s);
                    return;
                }
                reply(out, answer);
            }
        } catch (IOException e) {
            // the client went away, or the test reset the connection
        } finally {
            open.remove(s);
        }
    }

    private byte[] answer(String sql) {
        String upper = sql.toUpperCase(Locale.ROOT);
        if (upper.contains("RESET")) return null;
        int raise = upper.indexOf("RAISE ");
        if (raise >= 0) {
            int number = Integer.parseInt(upper.substring(raise + 6).trim().split("\\D", 2)[0]);
            return failure(number, 16, "error " + number + " raised by the hadr4j TDS test server", 0);
        }
        if (upper.contains("UPDATEABILITY")) {
            return concat(nvarcharColumns("updateability", "server"), nvarcharRow(readOnly ? "READ_ONLY" : "READ_WRITE", "tds-test/hadr"),
                    done(DONE_COUNT, 0xC1, 1));
        }
        if (upper.contains("DM_GEO_REPLICATION_LINK_STATUS")) {
            return failure(208, 16, "Invalid object name 'sys.dm_geo_replication_link_status'.", 0xC1);
        }
        if (upper.startsWith("INSERT")) {
            if (readOnly) {
                return failure(3906, 16, "Failed to update database \"hadr\" because the database is read-only.", 0xC3);
            }
            return done(DONE_COUNT, 0xC3, 1);
        }
        if (upper.equals("SELECT 1")) {
            return concat(intColumn(), intRow(1), done(DONE_COUNT, 0xC1, 1));
        }
        return done(0, 0, 0);
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with RST: the client sees "Connection reset"
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    // ------------------------------------------------------------------ messages and tokens ([MS-TDS] 2.2)

    /** One client message: its packet type and its payload (all packets up to end-of-message). */
    private record Message(int type, byte[] payload) {
        static Message read(DataInputStream in) throws IOException {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int type;
            int status;
            do {
                type = in.read();
                if (type < 0) return null;
                status = in.readUnsignedByte();
                int length = in.readUnsignedShort(); // big-endian, header included
                in.readFully(new byte[4]);             // SPID, packet id, window
                byte[] body = new byte[length - 8];
                in.readFully(body);
                payload.write(body, 0, body.length);
            } while ((status & 0x01) == 0);
            return new Message(type, payload.toByteArray());
        }

        /** The SQL text of a batch: UTF-16LE after the ALL_HEADERS block, whose first DWORD is its own length. */
        String batchText() {
            int headers = (payload[0] & 0xFF) | (payload[1] & 0xFF) << 8 | (payload[2] & 0xFF) << 16 | (payload[3] & 0xFF) << 24;
            return new String(payload, headers, payload.length - headers, StandardCharsets.UTF_16LE).trim();
        }
    }

    private static void reply(OutputStream out, byte[] payload) throws IOException {
        int length = payload.length + 8;
        out.write(new byte[]{(byte) REPLY, 0x01, (byte) (length >> 8), (byte) length, 0, 0, 1, 0});
        out.write(payload);
        out.flush();
    }

    /** VERSION 16.0 and ENCRYPTION = not supported, so that the session needs no TLS. */
    private static byte[] preloginResponse() {
        return new byte[]{
                0x00, 0, 11, 0, 6,   // VERSION at offset 11, 6 bytes
                0x01, 0, 17, 0, 1,   // ENCRYPTION at offset 17, 1 byte
                (byte) 0xFF,
                16, 0, 0, 0, 0, 0,   // 16.0.0.0
                0x02};               // ENCRYPT_NOT_SUP
    }

    private static byte[] loginAck() {
        Tokens t = new Tokens();
        String program = "Microsoft SQL Server";
        t.b(0xAD).u16(1 + 4 + 1 + 2 * program.length() + 4).b(1).be32(0x74000004).bvarchar(program).b(16).b(0).b(0).b(0);
        return t.bytes();
    }

    /** A server error (state 1) and the DONE token that ends the failed command. */
    private static byte[] failure(int number, int severity, String message, int command) {
        return concat(error(number, severity, message), done(DONE_ERROR, command, 0));
    }

    private static byte[] error(int number, int severity, String message) {
        Tokens body = new Tokens();
        body.le32(number).b(1).b(severity).usvarchar(message).bvarchar("tds-test").bvarchar("").le32(1);
        byte[] b = body.bytes();
        return new Tokens().b(0xAA).u16(b.length).raw(b).bytes();
    }

    private static byte[] done(int status, int command, long rows) {
        return new Tokens().b(0xFD).u16(status).u16(command).le64(rows).bytes();
    }

    private static byte[] nvarcharColumns(String... names) {
        Tokens t = new Tokens().b(0x81).u16(names.length);
        for (String n : names) {
            t.le32(0).u16(0x0001 | 0x0008)           // user type; flags: nullable, updatable unknown
                    .b(0xE7).u16(512)                 // NVARCHAR(256)
                    .raw(new byte[]{0x09, 0x04, (byte) 0xD0, 0x00, 0x34}) // collation Latin1_General_CI_AS
                    .bvarchar(n);
        }
        return t.bytes();
    }

    private static byte[] nvarcharRow(String... values) {
        Tokens t = new Tokens().b(0xD1);
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_16LE);
            t.u16(b.length).raw(b);
        }
        return t.bytes();
    }

    private static byte[] intColumn() {
        return new Tokens().b(0x81).u16(1).le32(0).u16(0).b(0x38).bvarchar("").bytes(); // INT4, not nullable
    }

    private static byte[] intRow(int value) {
        return new Tokens().b(0xD1).le32(value).bytes();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.write(p, 0, p.length);
        return out.toByteArray();
    }

    /** Little-endian token writer. */
    private static final class Tokens {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tokens b(int v) {
            out.write(v);
            return this;
        }

        Tokens u16(int v) {
            return b(v).b(v >> 8);
        }

        Tokens le32(int v) {
            return u16(v).u16(v >> 16);
        }

        Tokens le64(long v) {
            return le32((int) v).le32((int) (v >> 32));
        }

        Tokens be32(int v) {
            return b(v >> 24).b(v >> 16).b(v >> 8).b(v);
        }

        Tokens raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Tokens bvarchar(String s) { // B_VARCHAR: a byte of length in characters, then UTF-16LE
            return b(s.length()).raw(s.getBytes(StandardCharsets.UTF_16LE));
        }

        Tokens usvarchar(String s) { // US_VARCHAR: two bytes of length in characters, then UTF-16LE
            return u16(s.length()).raw(s.getBytes(StandardCharsets.UTF_16LE));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
