package ibc4j.normalizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ibc4j.data.SequenceWindow;
import ibc4j.data.TrajectorySpecs;
import ibc4j.environments.PolicyEval;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImageObservationsTest {
    @Test
    void onlyUint8ImageKeysAreConverted() {
        var particle = PolicyEval.particleTrajectorySpec(2);
        assertEquals(Set.of(), ImageObservations.uint8ImageKeys(particle));
        assertEquals(Set.of("rgb"), ImageObservations.uint8ImageKeys(TrajectorySpecs.withRgb(particle, 2, 3)));
    }

    /**
     * convert_image_dtype multiplies by fl32(1/255) = 0.003921568859368562 (float32 nearest to 1/255): 0 → 0,
     * 255 → 1.0f, and 51 → 0.20000002f: the product 0.2000000118 rounds up (numpy's float32 product agrees), where a
     * division 51f / 255f would give 0.2f; so this fails if the scale is applied as a division.
     */
    @Test
    void convertScalesByTheFloat32OfOneOver255() {
        assertEquals(Float.intBitsToFloat(0x3b808081), ImageObservations.UINT8_SCALE, 0f); // fl32(1/255)
        assertArrayEquals(new float[] {0f, 1f, Math.nextUp(0.2f)}, ImageObservations.convert(new float[] {0f, 255f, 51f}));
    }

    @Test
    void aWindowHasOnlyItsImageKeysConverted() {
        TreeMap<String, float[][]> obs = new TreeMap<>();
        obs.put("rgb", new float[][] {{255f, 0f}, {51f, 255f}});
        obs.put("pos", new float[][] {{255f}, {3f}});
        SequenceWindow w = new SequenceWindow(0, new int[] {0, 1}, new int[] {0, 1}, obs,
                new float[][] {{1f}, {2f}});
        SequenceWindow c = ImageObservations.convert(w, Set.of("rgb"));
        assertArrayEquals(new float[] {1f, 0f}, c.observation().get("rgb")[0]);
        assertArrayEquals(new float[] {Math.nextUp(0.2f), 1f}, c.observation().get("rgb")[1]);
        assertArrayEquals(new float[] {255f}, c.observation().get("pos")[0]);
        assertArrayEquals(new float[] {2f}, c.actions()[1]);
        assertSame(w, ImageObservations.convert(w, Set.of()));
        assertEquals(List.of("rgb", "front", "image"), ImageObservations.IMG_KEYS);
    }
}
