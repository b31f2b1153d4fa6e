package ibc4j.gin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A size whose memory, {@code bytesPerUnit * value^power}, must stay under {@code limit}: refused at finalize
 * with the estimate, before anything is allocated. E.g. a hidden width, whose width x width float32 kernel is
 * {@code @MaxBytes(bytesPerUnit = 4, power = 2, what = "one width x width float32 kernel")}. See
 * {@link ParamConstraint}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface MaxBytes {
    /** 16 GiB: more than any IBC config needs by orders of magnitude, less than a large machine has. */
    long DEFAULT_LIMIT = 16L << 30;

    double bytesPerUnit();

    int power() default 1;

    long limit() default DEFAULT_LIMIT;

    /** What the estimate is of, for the message: "one width x width float32 kernel". */
    String what();
}
