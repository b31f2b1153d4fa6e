package ibc4j.gin;

/** A Python complex literal ({@code 3j}, {@code 1.5J}); gin passes it through as a value. */
public record Complex(double real, double imag) {}
