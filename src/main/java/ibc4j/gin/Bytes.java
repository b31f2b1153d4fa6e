package ibc4j.gin;

import java.util.Arrays;

/** A Python bytes literal ({@code b'...'}). */
public record Bytes(byte[] data) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** The bytes as a latin-1 string (one char per byte), the form the JSON dump uses. */
    public String latin1() {
        return new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
