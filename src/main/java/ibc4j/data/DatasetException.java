package ibc4j.data;

import java.io.IOException;

/**
 * A dataset that IBC's {@code data/dataset.py} could not train on, or that this port refuses: a glob that matches
 * nothing ({@code ValueError('No data found at ...')}), shards whose {@code .spec} files differ
 * ({@code 'One or more of the encoding specs do not match.'}), a missing spec sidecar, an empty shard.
 *
 * <p>Damaged TFRecord framing is not wrapped: it arrives as the reader's own {@link TFRecordException}, with the
 * file, record index and byte offset as fields.
 */
public final class DatasetException extends IOException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
