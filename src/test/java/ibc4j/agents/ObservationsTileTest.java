package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@code nest_utils.tile_batch}: each row repeated n times consecutively, whatever the type, rank or layout. */
class ObservationsTileTest {
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE", "INT"})
    void eachRowIsRepeatedConsecutively(DataType dt) {
        INDArray x = Nd4j.linspace(1, 24, 24, DataType.DOUBLE).reshape(4, 2, 3).castTo(dt); // [B=4, T=2, 3]
        INDArray t = Observations.tile(x, 3);
        assertEquals(dt, t.dataType());
        assertArrayEquals(new long[] {12, 2, 3}, t.shape());
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(x.get(NDArrayIndex.point(r)), t.get(NDArrayIndex.point(r * 3 + j)), r + "/" + j);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void aStridedViewTilesItsOwnValues(DataType dt) {
        INDArray base = Nd4j.linspace(1, 30, 30, DataType.DOUBLE).reshape(5, 6).castTo(dt);
        INDArray view = base.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 5)); // [3, 3], not contiguous
        INDArray t = Observations.tile(view, 2);
        assertArrayEquals(new long[] {6, 3}, t.shape());
        for (int r = 0; r < 3; r++) {
            assertEquals(view.getRow(r), t.getRow(2 * r));
            assertEquals(view.getRow(r), t.getRow(2 * r + 1));
        }
    }
}
