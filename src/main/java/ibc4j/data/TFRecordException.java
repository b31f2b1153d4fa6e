package ibc4j.data;

import java.io.IOException;

/**
 * A corrupt or truncated TFRecord file, as TF's {@code io/record_reader.cc} reports with {@code DataLoss}.
 *
 * <p>The file, the 0-based record index, the byte offset where that record starts, and the kind of damage are
 * kept as fields; {@link #getMessage()} assembles them for people:
 * <pre>
 * /data/kitchen_0.tfrecord: record 3 at byte offset 1308: data CRC mismatch (stored 0x1a2b3c4d, computed 0x...)
 * </pre>
 */
public final class TFRecordException extends IOException {
    /** What is wrong with the record. */
    public enum Problem {
        /** The masked CRC-32C after the 8-byte length does not match: the length itself is damaged. */
        LENGTH_CRC,
        /** The masked CRC-32C after the data does not match the data. */
        DATA_CRC,
        /** The file ends inside the record. */
        TRUNCATED,
        /** The length field is valid but larger than a Java array can hold. */
        TOO_LARGE
    }

    private final String file;
    private final long recordIndex;
    private final long recordOffset;
    private final Problem problem;
    private final String detail;

    TFRecordException(String file, long recordIndex, long recordOffset, Problem problem, String detail) {
        super(file + ": record " + recordIndex + " at byte offset " + recordOffset + ": " + detail);
        this.file = file;
        this.recordIndex = recordIndex;
        this.recordOffset = recordOffset;
        this.problem = problem;
        this.detail = detail;
    }

    /** The file (or stream name) being read. */
    public String file() {
        return file;
    }

    /** 0-based index of the damaged record; the records before it were read intact. */
    public long recordIndex() {
        return recordIndex;
    }

    /** Byte offset in the file where the damaged record's 8-byte length starts. */
    public long recordOffset() {
        return recordOffset;
    }

    public Problem problem() {
        return problem;
    }

    /** The message without the file/record/offset prefix. */
    public String detail() {
        return detail;
    }
}
