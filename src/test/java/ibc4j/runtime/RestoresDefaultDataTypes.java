package ibc4j.runtime;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code @ExtendWith(RestoresDefaultDataTypes.class)}: ND4J's default floating-point type, which tests that compute
 * in float64 set process-wide, is put back after each test, so the next test class starts from float32.
 */
public final class RestoresDefaultDataTypes implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RestoresDefaultDataTypes.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("saved", Nd4j.defaultFloatingPointType());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        DataType saved = context.getStore(NS).get("saved", DataType.class);
        Nd4j.setDefaultDataTypes(saved, saved);
    }
}
