package ibc4j.gin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One gin-bindable parameter of a {@link Configurable}; mirrors a named parameter of the Python signature gin
 * inspects ({@code inspect.getfullargspec}), with its default.
 *
 * <p>{@code value} is gin's snake_case name, so a {@code .gin} line and its Java parameter are one grep apart.
 * {@code dflt} is a gin literal ({@code "256"}, {@code "'relu'"}, {@code "1e-3"}, {@code "None"},
 * {@code "(1, 2)"}), parsed with the gin parser's rules; leaving it out makes the parameter required, like a
 * Python parameter without a default. {@code "%gin.REQUIRED"} is gin's REQUIRED default: a binding must supply it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
    /** The marker for "no default": the empty string is not a gin literal. */
    String NO_DEFAULT = "";

    /** The gin parameter name, e.g. {@code num_counter_examples}. */
    String value();

    /** The default as a gin literal; {@link #NO_DEFAULT} makes the parameter required. */
    String dflt() default NO_DEFAULT;

    /** One line for {@code describe}: meaning, units, special values. */
    String doc() default "";
}
