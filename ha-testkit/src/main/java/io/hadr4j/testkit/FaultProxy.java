package io.hadr4j.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of one database node, through which clients connect, so that a test can
 * cut the network between the application and that node the way a region or network failure would.
 *
 * <ul>
 *   <li>{@link #refuse()}: new connections are refused (nothing listens); open ones stay.</li>
 *   <li>{@link #drop()}: every open connection is reset at once.</li>
 *   <li>{@link #stall()}: a black hole: new connections are accepted but get no answer, open ones stop
 *       passing bytes in both directions. Clients wait until their own timeouts.</li>
 *   <li>{@link #delay(Duration)}: every forwarded chunk waits that long.</li>
 *   <li>{@link #heal()}: back to normal; stalled connections resume.</li>
 *   <li>{@link #retarget(int)}: new connections go to another server from now on, as when a DNS name is moved to a
 *       server that replaces a lost one.</li>
 * </ul>
 *
 * <p>Each testkit node has one ({@link PgNode#proxy()}); {@link #to(String, int)} makes one of your own, for example
 * for a database that does not exist yet: {@link #refuse()} it until the server is there, then {@link #retarget(int)}
 * and {@link #heal()}.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private enum Mode { FORWARD, REFUSE, STALL }

    private final String name;
    private volatile int targetPort;
    private final int port;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile long delayNanos;
    private volatile boolean closed;
    private ServerSocket listener;
    private CountDownLatch listenerGone; // counted down when the accept loop of listener has ended; guarded by lock

    FaultProxy(String name, int targetPort) {
        this.name = name;
        this.targetPort = targetPort;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hadr4j-proxy-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, 0), 128);
            this.port = s.getLocalPort();
            listen(s);
        } catch (IOException e) {
            throw new IllegalStateException("Could not open a loopback proxy port for node " + name, e);
        }
    }

    /** A proxy on a free loopback port that forwards to {@code targetPort} on loopback; {@link #close()} it when done. */
    public static FaultProxy to(String name, int targetPort) {
        if (name == null || name.isBlank() || targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("a proxy needs a name for its log lines and a target port from 1 to 65535, got '"
                    + name + "', " + targetPort);
        }
        return new FaultProxy(name, targetPort);
    }

    /**
     * Forwards new connections to {@code targetPort} on loopback from now on; connections already open stay with the
     * server they reached.
     */
    public void retarget(int targetPort) {
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("the target port must be from 1 to 65535, got " + targetPort);
        }
        this.targetPort = targetPort;
        log.info("proxy {}: new connections go to port {}", name, targetPort);
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** Connections currently open through the proxy. */
    public int openConnections() {
        return clients.size();
    }

    /**
     * Returns once nothing listens on the port. Closing a server socket whose accept is in progress only asks the
     * accepting thread to leave, and the kernel keeps the socket listening until it has; a client that connects in
     * that window is accepted. So this waits for the accept loop to end, and the loop resets what it accepted late.
     */
    public void refuse() {
        CountDownLatch gone;
        synchronized (lock) {
            mode = Mode.REFUSE;
            gone = listenerGone;
            closeQuietly(listener);
            listener = null;
            lock.notifyAll();
        }
        try {
            if (gone != null && !gone.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("proxy " + name + ": its accept loop did not end within 10 s of closing its port");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("proxy {}: refusing new connections", name);
    }

    public void drop() {
        int n = 0;
        for (Socket s : sockets) {
            reset(s); // as a dead network path or a killed host would
            n++;
        }
        log.info("proxy {}: dropped {} sockets", name, n);
    }

    public void stall() {
        synchronized (lock) {
            mode = Mode.STALL;
            reopenListener();
        }
        log.info("proxy {}: stalled (black hole)", name);
    }

    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, was " + delay);
        }
        synchronized (lock) {
            delayNanos = delay.toNanos();
            mode = Mode.FORWARD;
            reopenListener();
            lock.notifyAll();
        }
        log.info("proxy {}: delaying every chunk by {} ms", name, delay.toMillis());
    }

    public void heal() {
        synchronized (lock) {
            delayNanos = 0;
            mode = Mode.FORWARD;
            reopenListener();
            lock.notifyAll();
        }
        log.info("proxy {}: healed", name);
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            closeQuietly(listener);
            listener = null;
            lock.notifyAll();
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        threads.shutdownNow();
    }

    private void reopenListener() {
        if (listener != null || closed) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port), 128);
            listen(s);
        } catch (IOException e) {
            throw new IllegalStateException("proxy " + name + " could not listen again on port " + port, e);
        }
    }

    private void listen(ServerSocket s) {
        listener = s;
        CountDownLatch gone = new CountDownLatch(1);
        listenerGone = gone;
        threads.execute(() -> {
            try {
                while (!s.isClosed()) {
                    try {
                        Socket client = s.accept();
                        if (s.isClosed()) {
                            reset(client); // accepted in the moment the port was being closed: refused, as it was meant
                        } else {
                            threads.execute(() -> connect(client));
                        }
                    } catch (IOException e) {
                        if (!s.isClosed()) {
                            log.debug("proxy {}: accept failed", name, e);
                        }
                    }
                }
            } finally {
                gone.countDown();
            }
        });
    }

    private void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    private void connect(Socket client) {
        clients.add(client);
        sockets.add(client);
        Socket upstream = null;
        try {
            client.setTcpNoDelay(true);
            awaitForwarding();
            upstream = new Socket();
            upstream.connect(new InetSocketAddress(LOOPBACK, targetPort), 5_000);
            upstream.setTcpNoDelay(true);
            sockets.add(upstream);
            Socket up = upstream;
            threads.execute(() -> pump(client, up));
            pump(upstream, client);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitForwarding();
                long d = delayNanos;
                if (d > 0) {
                    Thread.sleep(d / 1_000_000, (int) (d % 1_000_000));
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side went away, or the proxy dropped the connection
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Blocks while the proxy is stalled. */
    private void awaitForwarding() throws InterruptedException {
        if (mode != Mode.STALL) {
            return;
        }
        synchronized (lock) {
            while (mode == Mode.STALL && !closed) {
                lock.wait();
            }
        }
    }

    private void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        if (c instanceof Socket s) {
            sockets.remove(s);
            clients.remove(s);
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + name + " :" + port + " -> :" + targetPort + ", " + mode + "]";
    }
}
