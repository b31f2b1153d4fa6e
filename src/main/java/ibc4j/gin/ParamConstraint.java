package ibc4j.gin;

import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bound on a parameter's value, read from {@link Positive}, {@link Range} or {@link MaxBytes} on its
 * {@link Param}. gin has no such checks (a negative width reaches TensorFlow and fails there); ibc4j checks the
 * number in effect for each parameter (the last binding, a literal or through macros) at finalize, or at the call
 * for a config never finalized, and points at the value.
 */
public sealed interface ParamConstraint {

    /** Null when {@code value} is allowed; else the problem, completing "Parameter 'width' of 'MLPEBM' ...". */
    String violation(double value);

    /** For {@code describe}: "positive", "in [0, 1)", "at most 16 GiB for one width x width float32 kernel". */
    String describe();

    /** An interval; {@link Positive} is (0, inf). */
    record Interval(double min, boolean minExclusive, double max, boolean maxExclusive) implements ParamConstraint {
        @Override
        public String violation(double v) {
            boolean below = minExclusive ? !(v > min) : !(v >= min);
            boolean above = maxExclusive ? !(v < max) : !(v <= max);
            return below || above ? "must be " + describe() : null;
        }

        @Override
        public String describe() {
            boolean lower = min != Double.NEGATIVE_INFINITY;
            boolean upper = max != Double.POSITIVE_INFINITY;
            if (lower && upper) {
                return "in " + (minExclusive ? "(" : "[") + number(min) + ", " + number(max)
                        + (maxExclusive ? ")" : "]");
            }
            if (lower) {
                return min == 0 && minExclusive ? "positive" : (minExclusive ? "> " : ">= ") + number(min);
            }
            return upper ? (maxExclusive ? "< " : "<= ") + number(max) : "any number";
        }
    }

    /** A memory estimate, {@code bytesPerUnit * value^power}, with its ceiling. */
    record Memory(double bytesPerUnit, int power, long limit, String what) implements ParamConstraint {
        @Override
        public String violation(double v) {
            double bytes = bytesPerUnit * Math.pow(Math.abs(v), power);
            return bytes > limit ? "is implausibly large: " + what + " would take " + bytes(bytes, limit)
                    + ", over the " + bytes(limit) + " limit" : null;
        }

        @Override
        public String describe() {
            return "at most " + bytes(limit) + " for " + what;
        }
    }

    /** The constraints annotated on a parameter; an IllegalArgumentException when one does not fit its type. */
    static List<ParamConstraint> of(Parameter p, String where) {
        List<ParamConstraint> out = new ArrayList<>();
        if (p.isAnnotationPresent(Positive.class)) {
            out.add(new Interval(0, true, Double.POSITIVE_INFINITY, false));
        }
        Range r = p.getAnnotation(Range.class);
        if (r != null) {
            if (!(r.min() <= r.max())) {
                throw new IllegalArgumentException(where + ": @Range min " + r.min() + " > max " + r.max());
            }
            out.add(new Interval(r.min(), r.minExclusive(), r.max(), r.maxExclusive()));
        }
        MaxBytes m = p.getAnnotation(MaxBytes.class);
        if (m != null) {
            out.add(new Memory(m.bytesPerUnit(), m.power(), m.limit(), m.what()));
        }
        if (!out.isEmpty() && !isNumeric(p.getParameterizedType())) {
            throw new IllegalArgumentException(where + ": @Positive, @Range and @MaxBytes need a numeric parameter, "
                    + "not " + p.getParameterizedType().getTypeName());
        }
        return List.copyOf(out);
    }

    /** The number a gin value stands for, or null when it is not a plain int or float (bools and None pass). */
    static Double numberOf(Object value) {
        if (value instanceof BigInteger i) {
            return i.doubleValue();
        }
        if (value instanceof Number n && !(value instanceof Boolean)) {
            return n.doubleValue();
        }
        return null;
    }

    private static boolean isNumeric(Type t) {
        return t == int.class || t == long.class || t == double.class || t == float.class || t == Integer.class
                || t == Long.class || t == Double.class || t == Float.class;
    }

    /** 0, 1, 0.5, 1e-08: integral bounds without a fraction, others as Python prints them. */
    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : PyValues.floatRepr(d);
    }

    /** 16 GiB, 13.9 EiB, 1032 bytes. */
    static String bytes(double b) {
        return bytes(b, Double.NaN);
    }

    /** {@code b} in a readable unit, with more decimals while it would read as {@code other} (16.0005 GiB). */
    static String bytes(double b, double other) {
        if (Double.isInfinite(b)) {
            return "more than 1e308 bytes";
        }
        if (b < 10 * 1024) {
            return Math.round(b) + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        double v = b / 1024;
        double o = other / 1024;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            o /= 1024;
            u++;
        }
        String n;
        if (v == Math.rint(v) && v < 1e4) {
            n = Long.toString((long) v);
        } else if (v >= 1e4) {
            n = String.format(Locale.ROOT, "%.3g", v);
        } else {
            int d = 1;
            n = String.format(Locale.ROOT, "%.1f", v);
            while (d < 9 && Double.parseDouble(n) == o) {
                d++;
                n = String.format(Locale.ROOT, "%." + d + "f", v);
            }
        }
        return n + " " + units[u];
    }
}
