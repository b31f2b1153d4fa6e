package ibc4j.data;

import java.util.zip.CRC32C;

/**
 * The masked CRC-32C of TensorFlow's {@code tensorflow/core/lib/hash/crc32c.h} ({@code crc32c::Mask}), as
 * stored twice per TFRecord.
 *
 * <p>TF masks the checksum because a CRC computed over data that itself embeds CRCs is weak; the rotation plus
 * constant breaks that. Values are unsigned 32-bit quantities held in an {@code int}.
 */
final class MaskedCrc32c {
    /** TF's {@code kMaskDelta}. */
    static final int MASK_DELTA = 0xa282ead8;

    private MaskedCrc32c() {
    }

    /** {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}, modulo 2^32. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** The masked CRC-32C (Castagnoli) of {@code len} bytes of {@code data} from {@code off}. */
    static int of(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        return mask((int) crc.getValue());
    }

    /** Eight hex digits, as people compare checksums. */
    static String hex(int crc) {
        return String.format("0x%08x", crc);
    }
}
