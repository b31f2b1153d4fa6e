package ibc4j.gin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a gin configurable; mirrors gin/config.py's {@code @gin.configurable(name, module=...)}.
 *
 * <p>On a class it binds the class's single public constructor; on a static method it stands for an IBC
 * function ({@code train_eval}, {@code grad_penalty}, ...). Every parameter carries a {@link Param}. A name that
 * IBC registers (see {@code ibc_configurables.json}) takes IBC's module, so {@code ibc.networks.mlp_ebm.MLPEBM}
 * resolves to the Java class; any other configurable defaults to its Java package as module, as gin defaults to
 * the Python module.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Configurable {
    /** The gin name, spelled as in IBC's {@code .gin} files; empty means the class or method name. */
    String value() default "";

    /** Module components for disambiguation ({@code m1} in {@code m1.dup}); empty means IBC's or the package. */
    String module() default "";
}
