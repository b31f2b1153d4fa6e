package ibc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointClockTest {
    @TempDir
    Path dir;

    @Test
    void attemptsAddUpAcrossClocks() {
        Path f = dir.resolve("points/p.seconds");
        PointClock first = new PointClock(f);
        assertEquals(0.0, first.before(), "no earlier attempt");
        first.save(12.0);
        first.save(30.0); // a later tick of the same attempt replaces, not adds
        PointClock second = new PointClock(f);
        assertEquals(30.0, second.before());
        second.save(5.25);
        assertEquals(35.3, new PointClock(f).before(), 1e-9, "stored to a tenth of a second");
        assertEquals(45.3, new PointClock(f).total(10.0), 1e-9);
    }

    @Test
    void anUnreadableFigureCountsAsNoEarlierAttempt() throws Exception {
        Path f = dir.resolve("p.seconds");
        Files.writeString(f, "twelve\n");
        assertEquals(0.0, new PointClock(f).before());
        Files.writeString(f, "-3\n");
        assertEquals(0.0, new PointClock(f).before());
        new PointClock(f).save(7.0);
        assertEquals(7.0, new PointClock(f).before());
    }
}
