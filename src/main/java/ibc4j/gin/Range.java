package ibc4j.gin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The interval a numeric {@link Param}'s value must lie in, e.g. a dropout rate
 * {@code @Range(min = 0, max = 1, maxExclusive = true)}; an unset end is unbounded. The value in effect is checked
 * at finalize, see {@link ParamConstraint}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Range {
    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    boolean minExclusive() default false;

    boolean maxExclusive() default false;
}
