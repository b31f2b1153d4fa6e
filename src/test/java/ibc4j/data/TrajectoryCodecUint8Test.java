package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ibc4j.environments.PolicyEval;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** uint8 observation keys (the pixel configs' rgb) are read as their float values and written back as uint8. */
class TrajectoryCodecUint8Test {
    private static final SpecNode.NamedTuple SPEC = TrajectorySpecs.withRgb(PolicyEval.particleTrajectorySpec(2), 1, 2);

    private static TrajectoryStep step(float... rgb) {
        TreeMap<String, float[]> obs = new TreeMap<>();
        for (SpecNode.Leaf l : SPEC.field("observation").flatten()) {
            obs.put(l.path(), new float[l.spec().size()]);
        }
        obs.put("rgb", rgb);
        return new TrajectoryStep(1, obs, new float[] {0.5f, 0.25f}, Map.of(), 1, 0f, 1f);
    }

    @Test
    void uint8ImagesRoundTripAsTheirValues() {
        TrajectoryCodec codec = new TrajectoryCodec(SPEC);
        float[] rgb = {0f, 1f, 2f, 128f, 254f, 255f};
        byte[] record = codec.encode(step(rgb));
        assertEquals(DType.UINT8, codec.exampleCodec().decode(record).get("observation/rgb").dtype());
        assertArrayEquals(rgb, codec.decode(record).observation().get("rgb"));
    }

    @Test
    void aValueThatIsNotAUint8IsRefusedNamingTheFeature() {
        TrajectoryCodec codec = new TrajectoryCodec(SPEC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(step(0f, 1.5f, 2f, 3f, 4f, 5f)));
        assertEquals("'observation/rgb'[1] is 1.5; spec " + ((TensorSpec) ((SpecNode.Dict) SPEC.field("observation"))
                .fields().get("rgb")).describe() + " holds integers in [0, 255]", e.getMessage());
    }
}
