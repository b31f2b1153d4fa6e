package ibc4j.data;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * tf-agents' {@code example_encoding_dataset.TFRecordObserver} in py_mode: writes each {@link TrajectoryStep}
 * as one tf.Example record of {@code outputPath}, and the spec beside it as {@code outputPath + ".spec"}.
 *
 * <p>Unlike the Python observer, which IBC never closes and which relies on interpreter exit to flush, this
 * one must be closed (try-with-resources) for the last records to reach the disk.
 */
public final class TFRecordObserver implements Closeable, Flushable {
    private final TrajectoryCodec codec;
    private final TFRecordWriter writer;
    private final Path outputPath;
    private long written;

    /**
     * Creates {@code outputPath} and writes its {@code .spec} at once, as the Python constructor does.
     *
     * @param trajectorySpec a Trajectory spec, e.g. from {@link TrajectoryCodec#trajectorySpec}
     */
    public TFRecordObserver(Path outputPath, SpecNode trajectorySpec) throws IOException {
        this(outputPath, trajectorySpec, false);
    }

    /** @param compressImage tf-agents' {@code compress_image}: uint8 {@code [h, w, c]} leaves as JPEG, quality 95 */
    public TFRecordObserver(Path outputPath, SpecNode trajectorySpec, boolean compressImage) throws IOException {
        this.codec = new TrajectoryCodec(trajectorySpec, compressImage);
        this.outputPath = outputPath;
        SpecFile.write(SpecFile.specPathFor(outputPath), trajectorySpec);
        this.writer = TFRecordWriter.create(outputPath);
    }

    /** Encodes and appends one step ({@code TFRecordObserver.__call__}). */
    public void write(TrajectoryStep step) throws IOException {
        writer.write(codec.encode(step));
        written++;
    }

    /** Records written so far. */
    public long recordsWritten() {
        return written;
    }

    public Path outputPath() {
        return outputPath;
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
