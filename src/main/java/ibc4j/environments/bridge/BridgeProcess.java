package ibc4j.environments.bridge;

import ibc4j.data.proto.TensorProto;
import ibc4j.environments.bridge.proto.Request;
import ibc4j.environments.bridge.proto.Response;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge server child process and its framed protocol (python/ibc4j_envs/wire.py): a 4-byte big-endian
 * length, then a {@link Request} or {@link Response}. Every call has a timeout; a call that times out, a frame
 * over {@link #MAX_FRAME_BYTES} and a child that exits mid-call kill the child (its descendants too) and raise a
 * {@link BridgeException} with the tail of its stderr. Children still alive when the JVM shuts down (Ctrl-C) are
 * killed by a shutdown hook; a killed child is waited for, so none is left a zombie.
 */
public final class BridgeProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeProcess.class);
    public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;
    private static final int STDERR_TAIL_LINES = 25;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(BridgeProcess::kill), "bridge-reaper"));
    }

    private final Process process;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService io;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stderrDrain;
    private final BridgeOptions options;
    private final Map<String, Object> hello;
    private boolean dead;

    private BridgeProcess(BridgeOptions options) {
        this.options = options;
        ProcessBuilder pb = new ProcessBuilder(options.command());
        pb.environment().put("PYTHONPATH", options.pythonDir().toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new BridgeException("cannot run the Python interpreter '" + options.python() + "' (" + e.getMessage()
                    + "): install Python 3.11 and the bridge's stack (python -m venv VENV && VENV/bin/pip install -r "
                    + "python/requirements.txt), then pass --python=VENV/bin/python", true);
        }
        LIVE.add(process);
        out = new DataOutputStream(process.getOutputStream());
        in = new DataInputStream(process.getInputStream());
        io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bridge-io-" + process.pid());
            t.setDaemon(true);
            return t;
        });
        stderrDrain = new Thread(this::drainStderr, "bridge-stderr-" + process.pid());
        stderrDrain.setDaemon(true);
        stderrDrain.start();
        this.hello = readHello();
    }

    /** Starts a server and waits for its hello; a setup problem raises a {@link BridgeException#isSetup()} one. */
    public static BridgeProcess start(BridgeOptions options) {
        return new BridgeProcess(options);
    }

    /** What the server said when it started (protocol, IBC commit, Python version). */
    public Map<String, Object> hello() {
        return hello;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return !dead && process.isAlive();
    }

    private Map<String, Object> readHello() {
        Response r;
        try {
            r = exchange(null, options.startupTimeout(), "startup");
        } catch (BridgeException e) {
            // A child that dies before its hello (no ibc4j_envs on the path, a Python too old to parse it) is a
            // setup problem: nothing was running yet.
            throw new BridgeException(e.getMessage(), true);
        }
        if (!r.getError().isEmpty()) {
            String msg = r.getError();
            waitOrKill(Duration.ofSeconds(10));
            throw new BridgeException("environment bridge: " + msg, "setup".equals(r.getErrorKind()));
        }
        return BridgeJson.parse(r.getJson(), "the server's hello");
    }

    /** Sends one request and waits up to {@code timeout} for its response (an error response raises). */
    public Response call(String op, Map<String, TensorProto> tensors, String json, Duration timeout) {
        Request.Builder b = Request.newBuilder().setOp(op).putAllTensors(tensors);
        if (json != null) {
            b.setJson(json);
        }
        Response r = exchange(b.build(), timeout, op);
        if (!r.getError().isEmpty()) {
            throw new BridgeException("environment bridge: " + op + " failed: " + r.getError(),
                    "setup".equals(r.getErrorKind()));
        }
        return r;
    }

    public Response call(String op, Map<String, TensorProto> tensors, String json) {
        return call(op, tensors, json, options.callTimeout());
    }

    private synchronized Response exchange(Request request, Duration timeout, String what) {
        if (dead) {
            throw new BridgeException("environment bridge: the server (pid " + process.pid() + ") is no longer running",
                    false);
        }
        Future<Response> f = io.submit(() -> {
            if (request != null) {
                byte[] body = request.toByteArray();
                out.writeInt(body.length);
                out.write(body);
                out.flush();
            }
            int n = in.readInt();
            if (n < 0 || n > MAX_FRAME_BYTES) {
                throw new IOException("a frame of " + Integer.toUnsignedString(n) + " bytes (the limit is "
                        + MAX_FRAME_BYTES + "): the server's stdout is not the protocol");
            }
            byte[] body = new byte[n];
            in.readFully(body);
            return Response.parseFrom(body);
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            kill();
            throw failure(what + " timed out after " + timeout.toSeconds() + " s; killed the server");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            boolean exited = c instanceof EOFException || (c instanceof IOException io && !process.isAlive());
            Integer status = exited ? waitOrKill(Duration.ofSeconds(10)) : null;
            if (!exited) {
                kill();
            }
            throw failure(exited ? "the server exited" + (status != null ? " with status " + status : "")
                    + " during " + what : what + " failed: " + c.getMessage() + "; killed the server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw failure(what + " interrupted; killed the server");
        }
    }

    private BridgeException failure(String what) {
        return new BridgeException("environment bridge (" + options.module() + ", pid " + process.pid() + "): " + what
                + stderrSummary(), false);
    }

    /** The last lines the server wrote to stderr, as a message suffix. */
    public String stderrSummary() {
        String tail = stderrTail();
        return tail.isEmpty() ? "; it wrote nothing to stderr" : "; its stderr ended with:\n" + tail;
    }

    public String stderrTail() {
        // A dead child's last lines may still be in the pipe: the drain ends at its end of file.
        if (!process.isAlive()) {
            try {
                stderrDrain.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    private void drainStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.debug("bridge[{}]: {}", process.pid(), line);
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    while (stderrTail.size() > STDERR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
    }

    /** Exit status after at most {@code wait}, or null after killing a child that did not exit by then. */
    private Integer waitOrKill(Duration wait) {
        try {
            if (process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                markDead();
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return null;
    }

    private void markDead() {
        dead = true;
        LIVE.remove(process);
        io.shutdownNow();
    }

    /** Kills the child and its descendants and reaps it. */
    public void kill() {
        kill(process);
        markDead();
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the server to close its env and exit; kills it if it does not within 10 s. */
    @Override
    public void close() {
        if (dead) {
            return;
        }
        try {
            call("close", Map.of(), null, Duration.ofSeconds(10));
            try {
                out.close();
            } catch (IOException e) {
                // already gone
            }
            waitOrKill(Duration.ofSeconds(10));
        } catch (BridgeException e) {
            LOG.debug("closing the bridge: {}", e.getMessage());
            kill();
        }
    }
}
