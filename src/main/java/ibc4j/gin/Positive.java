package ibc4j.gin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A size, count or rate that must be greater than zero; on a {@link Param} of a numeric type. The value in effect
 * is checked at finalize (gin has no such check: IBC would fail later, deep in TensorFlow), see
 * {@link ParamConstraint}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Positive {}
