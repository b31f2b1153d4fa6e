package ibc4j.train;

import ibc4j.data.TFRecordWriter;
import ibc4j.data.proto.Event;
import ibc4j.data.proto.SourceMetadata;
import ibc4j.data.proto.Summary;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Scalars to a TensorBoard event file, where IBC's {@code train_eval.py} uses {@code tf.summary.create_file_writer}
 * and {@code tf.summary.scalar} (through tf-agents' Learner and its eval actor). The format is TF's
 * {@code tensorflow/core/util/events_writer.cc}: a TFRecord file of {@code tensorflow.Event} protos, the first one
 * holding {@code file_version = "brain.Event:2"}.
 *
 * <p>Each scalar is written as {@code Summary.Value.simple_value} (a float32), as TF1's FileWriter and
 * {@code tf.compat.v1.summary.scalar} do, not as TF2's rank-0 tensor with "scalars" plugin metadata: TensorBoard's
 * server and {@code tensorboard.data} turn {@code simple_value} into the scalars plugin's data
 * ({@code tensorboard/data_compat.py}), and the older {@code EventAccumulator.Scalars(tag)} reads only
 * {@code simple_value} (TF2 tensors land in its {@code Tensors(tag)}), so this is the form every reader shows as a
 * scalar. {@link TensorBoardReader} reads both.
 *
 * <p>Every {@link #open} starts a new file, so a resumed run never rewrites an earlier run's file: TensorBoard
 * reads all {@code *tfevents*} files of a directory in name order, and the names sort by creation second.
 * Records are buffered; they reach the file on {@link #flush()}, {@link #close()}, or on the first write after
 * {@link #FLUSH_INTERVAL_MILLIS} without a flush (tf.summary's default {@code flush_millis}). Thread-safe.
 */
public final class TensorBoardWriter implements Closeable, Flushable {
    /** The first record of every event file in the current format ({@code events_writer.cc}'s version). */
    public static final String FILE_VERSION = "brain.Event:2";
    /** {@code tf.summary.create_file_writer}'s default {@code flush_millis}. */
    public static final long FLUSH_INTERVAL_MILLIS = 120_000;
    // TensorBoard finds event files by this substring of the name (event_accumulator.IsTensorFlowEventsFile).
    static final String NAME_PREFIX = "events.out.tfevents.";

    private final Path file;
    private final TFRecordWriter records;
    private long lastFlushNanos;
    private boolean closed;

    private TensorBoardWriter(Path file, TFRecordWriter records) {
        this.file = file;
        this.records = records;
        this.lastFlushNanos = System.nanoTime();
    }

    /**
     * Creates {@code logDir} if needed and a new event file in it, named as TF names one:
     * {@code events.out.tfevents.<unix seconds, 10 digits>.<hostname>}, with {@code .1}, {@code .2}... appended
     * if a writer opened this second already took the name. The file-version record is flushed at once, so the
     * file is valid from the start.
     */
    public static TensorBoardWriter open(Path logDir) throws IOException {
        Files.createDirectories(logDir);
        long millis = System.currentTimeMillis();
        String base = NAME_PREFIX + String.format("%010d", millis / 1000) + "." + hostname();
        for (int n = 0; ; n++) {
            Path file = logDir.resolve(n == 0 ? base : base + "." + n);
            try {
                BufferedOutputStream out = new BufferedOutputStream(
                        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16);
                TensorBoardWriter w = new TensorBoardWriter(file, new TFRecordWriter(out));
                try {
                    w.write(Event.newBuilder().setWallTime(millis / 1000.0).setFileVersion(FILE_VERSION)
                            .setSourceMetadata(SourceMetadata.newBuilder().setWriter("ibc4j")).build());
                    w.flush();
                } catch (IOException e) {
                    w.close();
                    throw e;
                }
                return w;
            } catch (FileAlreadyExistsException taken) {
                // another writer opened this second, in this process or a resumed one: take the next suffix
            }
        }
    }

    /** The event file being written. */
    public Path file() {
        return file;
    }

    /**
     * Appends {@code tag = value} at {@code step}, stamped with the current wall time. The value is stored as a
     * float32, as TensorBoard holds every scalar.
     */
    public synchronized void scalar(String tag, long step, double value) throws IOException {
        if (tag == null || tag.isEmpty()) {
            throw new IllegalArgumentException(file + ": a scalar needs a non-empty tag (step " + step + ")");
        }
        Summary.Value v = Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value).build();
        write(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step)
                .setSummary(Summary.newBuilder().addValue(v)).build());
        if (System.nanoTime() - lastFlushNanos >= FLUSH_INTERVAL_MILLIS * 1_000_000L) {
            flush();
        }
    }

    /** Writes every buffered record to the file; TensorBoard sees them from then on. */
    @Override
    public synchronized void flush() throws IOException {
        ensureOpen();
        records.flush();
        lastFlushNanos = System.nanoTime();
    }

    /** Flushes and closes the file. Closing twice does nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            records.close();
        }
    }

    private void write(Event e) throws IOException {
        ensureOpen();
        records.write(e.toByteArray());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(file + ": the TensorBoard writer is closed");
        }
    }

    /** gethostname(), as TF puts it in the name; kept to file-name-safe characters. */
    static String hostname() {
        String name = null;
        try {
            // Linux's gethostname() without the DNS lookup InetAddress.getLocalHost() may block on.
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                name = Files.readString(proc, StandardCharsets.US_ASCII).trim();
            }
            if (name == null || name.isEmpty()) {
                name = InetAddress.getLocalHost().getHostName();
            }
        } catch (IOException | SecurityException e) {
            name = null;
        }
        if (name == null || name.isEmpty()) {
            name = "localhost";
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
