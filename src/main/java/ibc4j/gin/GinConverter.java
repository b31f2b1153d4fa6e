package ibc4j.gin;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns evaluated gin values into Java parameter values. gin itself has no such step (Python takes any object);
 * this is where ibc4j checks what Python would only discover deep inside IBC.
 *
 * <p>int → int/long (range-checked); int or float → float/double; list or tuple → List or array; dict → Map;
 * str → String or an enum constant by name; bool → boolean. Python's {@code True} is not accepted as a number.
 */
final class GinConverter {
    private GinConverter() {}

    /** What did not fit, phrased for "... : expected int, got str 'abc'". */
    static final class ConversionException extends Exception {
        ConversionException(String message) {
            super(message, null, false, false);
        }
    }

    static Object convert(Object v, Type target) throws ConversionException {
        if (target instanceof Class<?> c) {
            return convertToClass(v, c);
        }
        if (target instanceof ParameterizedType p) {
            return convertParameterized(v, p);
        }
        if (target instanceof GenericArrayType g) {
            return toArray(v, g.getGenericComponentType(), raw(g.getGenericComponentType()), target);
        }
        if (target instanceof WildcardType w) {
            return convert(v, w.getUpperBounds()[0]);
        }
        if (target instanceof TypeVariable<?> t) {
            return convert(v, t.getBounds()[0]);
        }
        return v;
    }

    private static Object convertToClass(Object v, Class<?> c) throws ConversionException {
        if (v == null) {
            if (c.isPrimitive()) {
                throw mismatch(v, c);
            }
            return null;
        }
        if (c == Object.class) {
            return v;
        }
        Class<?> boxed = c.isPrimitive() ? box(c) : c;
        if (boxed == Integer.class || boxed == Long.class) {
            return integer(v, boxed);
        }
        if (boxed == Double.class || boxed == Float.class) {
            if (v instanceof Boolean || !(v instanceof Number n)) {
                throw mismatch(v, c);
            }
            return boxed == Double.class ? (Object) n.doubleValue() : (Object) n.floatValue();
        }
        if (c.isEnum() && (v instanceof String || v instanceof GinRegistry.EnumConstant)) {
            return enumConstant(v, c);
        }
        if (c.isArray()) {
            return toArray(v, c.getComponentType(), c.getComponentType(), c);
        }
        if ((c == List.class || c == Collection.class || c == Iterable.class) && v instanceof Tuple t) {
            return t.items();
        }
        if (c == Map.class && v instanceof Dict d) {
            return toMap(d, Object.class, Object.class);
        }
        if (c == Supplier.class && v instanceof ConfigurableHandle h) {
            return (Supplier<Object>) h::call;
        }
        if (boxed.isInstance(v)) {
            return v;
        }
        throw mismatch(v, c);
    }

    private static Object integer(Object v, Class<?> boxed) throws ConversionException {
        BigInteger i;
        if (v instanceof BigInteger b) {
            i = b;
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            i = BigInteger.valueOf(((Number) v).longValue());
        } else {
            throw mismatch(v, boxed == Integer.class ? int.class : long.class);
        }
        try {
            return boxed == Integer.class ? (Object) i.intValueExact() : (Object) i.longValueExact();
        } catch (ArithmeticException e) {
            throw new ConversionException("expected " + (boxed == Integer.class ? "int" : "long") + ", got " + i
                    + ", which is out of range");
        }
    }

    /** By exact name, else by the one name that matches ignoring case ('relu' for RELU). */
    private static Object enumConstant(Object v, Class<?> c) throws ConversionException {
        String name = v instanceof GinRegistry.EnumConstant e ? e.member() : (String) v;
        List<Object> caseless = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Object constant : c.getEnumConstants()) {
            String n = ((Enum<?>) constant).name();
            if (n.equals(name)) {
                return constant;
            }
            if (n.equalsIgnoreCase(name)) {
                caseless.add(constant);
            }
            names.add(n);
        }
        if (caseless.size() == 1) {
            return caseless.get(0);
        }
        throw new ConversionException("expected one of " + c.getSimpleName() + " " + names + ", got "
                + describe(v));
    }

    private static Object convertParameterized(Object v, ParameterizedType p) throws ConversionException {
        Class<?> raw = raw(p);
        Type[] args = p.getActualTypeArguments();
        if (v == null) {
            return null;
        }
        if (raw == List.class || raw == Collection.class || raw == Iterable.class) {
            List<?> items = items(v, p);
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(element(items.get(i), args[0], "element [" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (raw == Map.class) {
            if (v instanceof Dict d) {
                return toMap(d, args[0], args[1]);
            }
            if (v instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(convert(e.getKey(), args[0]), convert(e.getValue(), args[1]));
                }
                return Collections.unmodifiableMap(out);
            }
            throw mismatch(v, p);
        }
        if (raw == Supplier.class && v instanceof ConfigurableHandle h) {
            return (Supplier<Object>) h::call;
        }
        return convertToClass(v, raw);
    }

    private static Map<Object, Object> toMap(Dict d, Type k, Type v) throws ConversionException {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : d.entries()) {
            Object key = element(e.getKey(), k, "key " + PyValues.repr(e.getKey()));
            out.put(key, element(e.getValue(), v, "value for key " + PyValues.repr(e.getKey())));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object toArray(Object v, Type component, Class<?> rawComponent, Type whole)
            throws ConversionException {
        if (v == null) {
            return null;
        }
        List<?> items = items(v, whole);
        Object array = Array.newInstance(rawComponent, items.size());
        for (int i = 0; i < items.size(); i++) {
            Array.set(array, i, element(items.get(i), component, "element [" + i + "]"));
        }
        return array;
    }

    private static List<?> items(Object v, Type whole) throws ConversionException {
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof Tuple t) {
            return t.items();
        }
        if (v != null && v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(Array.get(v, i));
            }
            return out;
        }
        throw mismatch(v, whole);
    }

    private static Object element(Object v, Type t, String where) throws ConversionException {
        try {
            return convert(v, t);
        } catch (ConversionException e) {
            throw new ConversionException(where + ": " + e.getMessage());
        }
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (t instanceof GenericArrayType g) {
            return Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
        }
        return Object.class;
    }

    private static Class<?> box(Class<?> c) {
        return Array.get(Array.newInstance(c, 1), 0).getClass();
    }

    private static ConversionException mismatch(Object v, Type t) {
        return new ConversionException("expected " + typeName(t) + ", got " + describe(v));
    }

    /** A Java type as people write it: {@code int}, {@code List<Double>}, {@code String[]}. */
    static String typeName(Type t) {
        return t.getTypeName().replaceAll("\\b(java\\.lang|java\\.util(\\.function)?|ibc4j\\.gin)\\.", "")
                .replaceAll("\\b[a-z][\\w]*(\\.[a-z][\\w]*)*\\.(?=[A-Z])", "").replaceAll("\\w+\\$", "");
    }

    /** A value as Python would name it: {@code str 'abc'}, {@code int 3}; Java objects by class. */
    static String describe(Object v) {
        if (v == null || v instanceof Boolean || v instanceof BigInteger || v instanceof Double
                || v instanceof String || v instanceof List<?> || v instanceof Tuple || v instanceof Dict
                || v instanceof Complex || v instanceof Bytes) {
            return PyValues.typeName(v) + " " + abbreviate(PyValues.repr(v));
        }
        if (v instanceof GinRegistry.EnumConstant e) {
            return "constant " + e;
        }
        return "Java " + v.getClass().getSimpleName();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
