package ibc4j.gin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@link Param} that the Java implementation adds to a signature it mirrors (the Python original has no such
 * parameter). Its default must keep the mirrored behaviour; at that default it is left out of the operative config,
 * so a run that does not set it records the same config as the original. A bound value is recorded as usual.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Extension {}
