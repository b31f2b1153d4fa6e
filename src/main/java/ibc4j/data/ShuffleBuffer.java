package ibc4j.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A seeded {@code tf.data.Dataset.shuffle(buffer_size)}, as IBC's {@code data/dataset.py}
 * {@code create_sequence_datasets} applies it with {@code buffer_size = replay_capacity}.
 *
 * <p>Same scheme as TF's shuffle: fill a buffer with the first {@code capacity} elements, then repeatedly emit a
 * uniformly chosen buffered element and put the next input element in its place; once the input ends, drain the
 * buffer in random order. Capacity 1 passes elements through in order. TF draws the choices from its Philox
 * generator seeded by {@code tf.random.set_seed} and an op counter, which cannot be reproduced here, so the order
 * differs from IBC's; it is instead a pure function of {@code seed} and the input ({@link SplittableRandom}).
 */
public final class ShuffleBuffer<T> implements Iterator<T> {
    private final Iterator<T> input;
    private final int capacity;
    private final SplittableRandom random;
    private final List<T> buffer;

    public ShuffleBuffer(Iterator<T> input, int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("shuffle buffer size (replay_capacity) must be at least 1, got "
                    + capacity);
        }
        this.input = input;
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
        this.buffer = new ArrayList<>(Math.min(capacity, 1 << 16));
    }

    @Override
    public boolean hasNext() {
        fill();
        return !buffer.isEmpty();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the shuffled stream has ended");
        }
        int j = random.nextInt(buffer.size());
        T out = buffer.get(j);
        if (input.hasNext()) {
            buffer.set(j, input.next());
        } else {
            T last = buffer.remove(buffer.size() - 1);
            if (j < buffer.size()) {
                buffer.set(j, last);
            }
        }
        return out;
    }

    private void fill() {
        while (buffer.size() < capacity && input.hasNext()) {
            buffer.add(input.next());
        }
    }
}
