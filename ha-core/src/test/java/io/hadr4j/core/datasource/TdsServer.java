package io.hadr4j.core.datasource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server that speaks just enough TDS (the SQL Server wire protocol, [MS-TDS]) for the real mssql-jdbc
 * driver to log in and run plain statements, so that the exceptions the SQL Server dialect classifies are the ones
 * the driver itself builds from a server's error message (its class, vendor code and SQLState), not ones a test
 * constructed. It holds no data: it answers by the shape of each SQL batch.
 *
 * <ul>
 *   <li>{@link #failLogin(int, String)}: every login is answered with that server error.
 *   <li>{@link #answer(String, Result)}: a batch that contains the given text gets the given rows (checked first,
 *       newest rule first), for queries whose results a test scripts (geo-replication rows, counts, checksums);
 *   <li>the role query of {@link SqlServerDialect} gets {@code READ_WRITE} or, after {@link #setReadOnly(boolean)},
 *       {@code READ_ONLY}, and the server name {@link #setServerName(String)} gives; the geo-replication view does
 *       not exist (error 208, as on SQL Server outside Azure) unless a rule answers it;
 *   <li>{@code INSERT} succeeds (one row), or fails with 3906 while read-only;
 *   <li>{@code SELECT 1} (the driver's {@code isValid}) returns 1;
 *   <li>a batch that names {@code RAISE <number>} fails with that server error;
 *   <li>a batch that names {@code RESET}, or contains a fragment given to {@link #resetOn(String)}, makes the server
 *       reset the connection instead of answering;
 *   <li>anything else succeeds with no result.
 * </ul>
 *
 * <p>Plain TDS 7.4 without TLS by default: the driver must connect with {@code encrypt=false}. {@link #withStrictTls()}
 * makes a server that speaks TDS 8 (TLS first, with a self-signed certificate made by the JDK's {@code keytool}), as
 * the driver requires for an Entra ID (federated authentication) login; such a login is accepted as Azure SQL does:
 * the server sends the token endpoint and SPN (FEDAUTHINFO), the driver asks its access-token callback and sends the
 * token, and {@link #loginLog()} records it. {@link #rejectTokens(Predicate)} refuses tokens as Azure SQL would
 * (error 18456).
 */
public final class TdsServer implements AutoCloseable {

    /** The STS URL and SPN this server announces to a federated-authentication login, as Azure SQL does. */
    public static final String STS_URL = "https://login.microsoftonline.com/common";
    public static final String SPN = "https://database.windows.net/";

    private static final int PRELOGIN = 0x12;
    private static final int LOGIN7 = 0x10;
    private static final int FEDAUTH_TOKEN = 0x08;
    private static final int REPLY = 0x04;
    private static final int SQL_BATCH = 0x01;
    private static final int ATTENTION = 0x06;
    private static final int DONE_ERROR = 0x02;
    private static final int DONE_COUNT = 0x10;
    private static final int FEATURE_FEDAUTH = 0x02;
    private static final int FEDAUTH_LIBRARY_SECURITYTOKEN = 0x01;
    private static final int FEDAUTH_LIBRARY_ADAL = 0x02;
    private static final int MAX_PACKET = 4096;

    /** One login as the server saw it: the SQL user (empty for a token login), the database, the Entra ID token or null. */
    public record Login(String user, String database, String accessToken) {
        @Override
        public String toString() {
            return "Login[user=" + user + ", database=" + database + ", token " + (accessToken == null ? "none" : "present") + "]";
        }
    }

    /** A column of a scripted result. */
    public record Column(String name, int type) {
        static final int NVARCHAR = 0xE7;
        static final int INT = 4;
        static final int BIGINT = 8;

        public static Column nvarchar(String name) {
            return new Column(name, NVARCHAR);
        }

        public static Column integer(String name) {
            return new Column(name, INT);
        }

        public static Column bigint(String name) {
            return new Column(name, BIGINT);
        }
    }

    /**
     * A scripted result set: its columns and rows. Values are {@code String} (NVARCHAR), {@code Integer} (INT),
     * {@code Long} (BIGINT) or {@code null} (SQL NULL, every column type is nullable).
     */
    public record Result(List<Column> columns, List<List<Object>> rows) {
        public Result {
            columns = List.copyOf(columns);
            rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new ArrayList<>(r))).toList();
            for (List<Object> r : rows) {
                if (r.size() != columns.size()) throw new IllegalArgumentException("row " + r + " does not have " + columns.size() + " values");
            }
        }

        @SafeVarargs
        public static Result of(List<Column> columns, List<Object>... rows) {
            return new Result(columns, Arrays.asList(rows));
        }
    }

    /** A scripted answer: a result, or (result null) a server error {@code number} with {@code message}. */
    private record Rule(String fragment, Result result, int number, String message) {
        Rule(String fragment, Result result) {
            this(fragment, result, 0, null);
        }
    }

    private final ServerSocket socket;
    private final SSLContext tls;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> batches = new CopyOnWriteArrayList<>();
    private final List<Login> loginLog = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> resets = new CopyOnWriteArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private volatile boolean readOnly;
    private volatile String serverName = "tds-test/hadr";
    private volatile int loginError;
    private volatile String loginMessage;
    private volatile Predicate<String> tokenRejected = t -> false;
    private volatile boolean closed;

    /** A plain-TDS server (connect with {@code encrypt=false}). */
    public TdsServer() throws IOException {
        this(null);
    }

    private TdsServer(SSLContext tls) throws IOException {
        this.tls = tls;
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tds-server-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A TDS 8 server: TLS before anything else; {@link #url()} carries {@code encrypt=strict} and the certificate. */
    public static TdsServer withStrictTls() throws IOException {
        return new TdsServer(TlsMaterial.get().context);
    }

    /** A JDBC URL for mssql-jdbc to this server. */
    public String url() {
        String base = "jdbc:sqlserver://127.0.0.1:" + socket.getLocalPort() + ";databaseName=hadr;loginTimeout=5;connectRetryCount=0;";
        if (tls == null) return base + "encrypt=false;";
        return base + "encrypt=strict;serverCertificate=" + TlsMaterial.get().certificate + ";";
    }

    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** What the role query reports as {@code @@SERVERNAME + '/' + DB_NAME()} (default {@code tds-test/hadr}). */
    public void setServerName(String serverName) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
    }

    /** From now on every login fails with this server error (0: logins succeed again). */
    public void failLogin(int number, String message) {
        this.loginMessage = message;
        this.loginError = number;
    }

    /** From now on a token login whose token matches is refused with error 18456, as Azure SQL refuses a bad token. */
    public void rejectTokens(Predicate<String> rejected) {
        this.tokenRejected = Objects.requireNonNull(rejected, "rejected");
    }

    /**
     * From now on a batch whose text contains {@code fragment} (ignoring case) is answered with {@code result}; a
     * later rule for the same fragment replaces the earlier one.
     */
    public void answer(String fragment, Result result) {
        String f = fragment.toUpperCase(Locale.ROOT);
        rules.removeIf(r -> r.fragment.equals(f));
        rules.add(0, new Rule(f, Objects.requireNonNull(result, "result")));
    }

    /**
     * From now on a batch whose text contains {@code fragment} (ignoring case) fails with server error {@code number}
     * (severity 16) and {@code message}, as a server error a driver passes on in its SQLException; a later rule for the
     * same fragment replaces the earlier one.
     */
    public void answerWithError(String fragment, int number, String message) {
        String f = fragment.toUpperCase(Locale.ROOT);
        rules.removeIf(r -> r.fragment.equals(f));
        rules.add(0, new Rule(f, null, number, Objects.requireNonNull(message, "message")));
    }

    /** From now on a batch whose text contains {@code fragment} (ignoring case) resets the connection instead of an answer. */
    public void resetOn(String fragment) {
        resets.add(fragment.toUpperCase(Locale.ROOT));
    }

    /** The SQL batches received so far, in order. */
    public List<String> batches() {
        return batches;
    }

    /** How many LOGIN7 messages arrived (refused ones included). */
    public int logins() {
        return logins.get();
    }

    /** The logins this server accepted or refused after reading their credentials, in order. */
    public List<Login> loginLog() {
        return loginLog;
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

    private void serve(Socket raw) {
        Socket s = raw;
        try (raw) {
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
                secure.setUseClientMode(false);
                SSLParameters p = secure.getSSLParameters();
                p.setApplicationProtocols(new String[] {"tds/8.0"});
                secure.setSSLParameters(p);
                secure.startHandshake();
                s = secure;
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Message prelogin = Message.read(in);
            if (prelogin == null || prelogin.type != PRELOGIN) return;
            reply(out, preloginResponse(tls != null));
            Message login = Message.read(in);
            if (login == null || login.type != LOGIN7) return;
            logins.incrementAndGet();
            int refuse = loginError;
            if (refuse != 0) {
                reply(out, failure(refuse, 20, loginMessage, 0));
                return;
            }
            Login7 l = Login7.parse(login.payload);
            String token = l.securityToken;
            if (l.fedAuthLibrary == FEDAUTH_LIBRARY_ADAL) { // the driver asks its callback once it knows the STS and SPN
                reply(out, fedAuthInfo(STS_URL, SPN));
                Message m = Message.read(in);
                if (m == null || m.type != FEDAUTH_TOKEN) return;
                token = m.fedAuthToken();
            }
            loginLog.add(new Login(l.user, l.database, token));
            if (token != null && tokenRejected.test(token)) {
                reply(out, failure(18456, 14, "Login failed for user '<token-identified principal>'.", 0));
                return;
            }
            reply(out, concat(loginAck(), l.fedAuthLibrary != 0 ? fedAuthAck() : new byte[0], done(0, 0, 0)));
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
                    reset(raw);
                    return;
                }
                reply(out, answer);
            }
        } catch (IOException e) {
            // the client went away, or the test reset the connection
        } finally {
            open.remove(raw);
        }
    }

    private byte[] answer(String sql) {
        String upper = sql.toUpperCase(Locale.ROOT);
        if (upper.contains("RESET")) return null;
        for (String f : resets) {
            if (upper.contains(f)) return null;
        }
        int raise = upper.indexOf("RAISE ");
        if (raise >= 0) {
            int number = Integer.parseInt(upper.substring(raise + 6).trim().split("\\D", 2)[0]);
            return failure(number, 16, "error " + number + " raised by the hadr4j TDS test server", 0);
        }
        for (Rule r : rules) {
            if (upper.contains(r.fragment)) return r.result != null ? result(r.result) : failure(r.number, 16, r.message, 0xC1);
        }
        if (upper.contains("UPDATEABILITY")) {
            return concat(nvarcharColumns("updateability", "server"), nvarcharRow(readOnly ? "READ_ONLY" : "READ_WRITE", serverName),
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
            int headers = le32(payload, 0);
            return new String(payload, headers, payload.length - headers, StandardCharsets.UTF_16LE).trim();
        }

        /** A Federated Authentication Token message: DataLen, TokenLen, then the token in UTF-16LE. */
        String fedAuthToken() {
            int length = le32(payload, 4);
            return new String(payload, 8, length, StandardCharsets.UTF_16LE);
        }
    }

    /** What this server reads of a LOGIN7 message: user, database, and the FEDAUTH feature extension if any. */
    private record Login7(String user, String database, int fedAuthLibrary, String securityToken) {
        static Login7 parse(byte[] p) {
            String user = string(p, 40);
            String database = string(p, 68);
            int library = 0;
            String token = null;
            boolean extension = (p[27] & 0x10) != 0; // OptionFlags3.fExtension
            if (extension) {
                int at = le32(p, u16(p, 56)); // ibExtension points at the offset of FeatureExt
                while (at < p.length && (p[at] & 0xFF) != 0xFF) {
                    int id = p[at] & 0xFF;
                    int length = le32(p, at + 1);
                    int data = at + 5;
                    if (id == FEATURE_FEDAUTH) {
                        library = (p[data] & 0xFF) >> 1;
                        if (library == FEDAUTH_LIBRARY_SECURITYTOKEN) {
                            token = new String(p, data + 5, le32(p, data + 1), StandardCharsets.UTF_16LE);
                        }
                    }
                    at = data + length;
                }
            }
            return new Login7(user, database, library, token);
        }

        private static String string(byte[] p, int field) { // an (offset, length in characters) pair
            return new String(p, u16(p, field), 2 * u16(p, field + 2), StandardCharsets.UTF_16LE);
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int le32(byte[] b, int at) {
        return u16(b, at) | u16(b, at + 2) << 16;
    }

    /** Sends one server message, in packets no larger than the size both sides start with (4096). */
    private static void reply(OutputStream out, byte[] payload) throws IOException {
        int at = 0;
        int packetId = 1;
        do {
            int n = Math.min(MAX_PACKET - 8, payload.length - at);
            boolean last = at + n == payload.length;
            int length = n + 8;
            out.write(new byte[]{(byte) REPLY, (byte) (last ? 0x01 : 0x00), (byte) (length >> 8), (byte) length, 0, 0, (byte) packetId++, 0});
            out.write(payload, at, n);
            at += n;
        } while (at < payload.length);
        out.flush();
    }

    /**
     * VERSION 16.0 and ENCRYPTION: not supported (plain server), or on (TDS 8: the session is already inside TLS, and a
     * driver that asks for federated authentication requires encryption).
     */
    private static byte[] preloginResponse(boolean encrypted) {
        return new byte[]{
                0x00, 0, 11, 0, 6,   // VERSION at offset 11, 6 bytes
                0x01, 0, 17, 0, 1,   // ENCRYPTION at offset 17, 1 byte
                (byte) 0xFF,
                16, 0, 0, 0, 0, 0,   // 16.0.0.0
                (byte) (encrypted ? 0x01 : 0x02)}; // ENCRYPT_ON or ENCRYPT_NOT_SUP
    }

    private static byte[] loginAck() {
        Tokens t = new Tokens();
        String program = "Microsoft SQL Server";
        t.b(0xAD).u16(1 + 4 + 1 + 2 * program.length() + 4).b(1).be32(0x74000004).bvarchar(program).b(16).b(0).b(0).b(0);
        return t.bytes();
    }

    /** FEDAUTHINFO: the STS URL and the SPN the client needs to get a token (offsets count from CountOfInfoIDs). */
    private static byte[] fedAuthInfo(String stsUrl, String spn) {
        byte[] sts = stsUrl.getBytes(StandardCharsets.UTF_16LE);
        byte[] s = spn.getBytes(StandardCharsets.UTF_16LE);
        int options = 2 * 9;
        Tokens body = new Tokens().le32(2)
                .b(0x01).le32(sts.length).le32(4 + options)
                .b(0x02).le32(s.length).le32(4 + options + sts.length)
                .raw(sts).raw(s);
        byte[] b = body.bytes();
        return new Tokens().b(0xEE).le32(b.length).raw(b).bytes();
    }

    /** FEATUREEXTACK for FEDAUTH: no data (no nonce), then the terminator. */
    private static byte[] fedAuthAck() {
        return new Tokens().b(0xAE).b(FEATURE_FEDAUTH).le32(0).b(0xFF).bytes();
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

    private static byte[] result(Result r) {
        Tokens t = new Tokens().b(0x81).u16(r.columns().size());
        for (Column c : r.columns()) {
            t.le32(0).u16(0x0001); // user type; flags: nullable
            if (c.type() == Column.NVARCHAR) {
                t.b(0xE7).u16(8000).raw(new byte[]{0x09, 0x04, (byte) 0xD0, 0x00, 0x34}); // NVARCHAR(4000), Latin1_General_CI_AS
            } else {
                t.b(0x26).b(c.type()); // INTN of 4 or 8 bytes
            }
            t.bvarchar(c.name());
        }
        for (List<Object> row : r.rows()) {
            t.b(0xD1);
            for (int i = 0; i < row.size(); i++) {
                Object v = row.get(i);
                Column c = r.columns().get(i);
                if (c.type() == Column.NVARCHAR) {
                    if (v == null) {
                        t.u16(0xFFFF);
                    } else {
                        byte[] b = v.toString().getBytes(StandardCharsets.UTF_16LE);
                        t.u16(b.length).raw(b);
                    }
                } else if (v == null) {
                    t.b(0);
                } else if (c.type() == Column.INT) {
                    t.b(4).le32(((Number) v).intValue());
                } else {
                    t.b(8).le64(((Number) v).longValue());
                }
            }
        }
        return concat(t.bytes(), done(DONE_COUNT, 0xC1, r.rows().size()));
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

    /**
     * A self-signed certificate for the TLS server, made once per JVM by the JDK's own {@code keytool} (the JDK has
     * no public API to make one), and the PEM file the driver's {@code serverCertificate} compares against.
     */
    private static final class TlsMaterial {
        private static TlsMaterial instance;

        final SSLContext context;
        final Path certificate;

        private TlsMaterial(SSLContext context, Path certificate) {
            this.context = context;
            this.certificate = certificate;
        }

        static synchronized TlsMaterial get() {
            if (instance == null) {
                try {
                    instance = make();
                } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
                    throw new IllegalStateException("could not make the TDS test server's certificate with keytool: " + e, e);
                }
            }
            return instance;
        }

        private static TlsMaterial make() throws IOException, InterruptedException, java.security.GeneralSecurityException {
            Path dir = Files.createTempDirectory("tds-tls");
            dir.toFile().deleteOnExit();
            Path store = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            String pass = "tds-test-store";
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(keytool, "-genkeypair", "-alias", "tds", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", pass, "-keypass", pass);
            run(keytool, "-exportcert", "-rfc", "-alias", "tds", "-keystore", store.toString(), "-storepass", pass, "-file", pem.toString());
            store.toFile().deleteOnExit();
            pem.toFile().deleteOnExit();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new TlsMaterial(ctx, pem);
        }

        private static void run(String... command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
        }
    }
}
