package ibc4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small datasets in the exact record format of a tf-agents data spec (the {@code .spec} sidecar IBC's datasets
 * carry), for configs whose real data is not at hand: one {@code tf.train.Example} per step, encoded as
 * tf-agents' {@code example_encoding} does, laid out as IBC's collection ({@code data/policy_eval.py} through
 * {@code TFRecordObserver}) writes episodes.
 *
 * <p>The actions are a learnable function of the observations, so a loss can decrease: each episode follows a
 * latent {@code u} in R^k (k ≤ 3, a stationary AR(1) walk); every observation leaf is an elementwise-monotone
 * map of a fixed random projection of {@code u} (inside the leaf's bounds, if it has them) and the action is
 * another one of the same {@code u}. Observations thus determine {@code u} and hence the action. Images (uint8
 * leaves) are such projections too, one per pixel and channel.
 *
 * <p>Trajectory specs get IBC's layout: an episode of n steps is n+1 records, types FIRST, MID.., LAST, the
 * LAST record's next step being the reset's FIRST. Transition specs (tf-agents' {@code Transition}, as
 * halfcheetah's sidecar has) get n transitions FIRST→MID, .., MID→LAST.
 */
public final class SyntheticRecords {
    private static final int MAX_LATENT = 3;
    private static final double AR = 0.9;
    /** Values stay within mid ± 0.45·(max − min): inside the bounds, away from their edges. */
    private static final double SPAN = 0.45;

    private final SpecNode spec;
    private final boolean transition;
    private final ExampleCodec codec;
    private final long seed;
    private final int latent;
    private final Map<String, double[][]> projections = new HashMap<>();

    /**
     * @throws IllegalArgumentException naming the field, if {@code spec} is not a Trajectory or Transition whose
     *                                  leaves this class can fill
     */
    public SyntheticRecords(SpecNode spec, long seed) {
        if (!(spec instanceof SpecNode.NamedTuple t)
                || !(t.typeName().equals("Trajectory") || t.typeName().equals("Transition"))) {
            throw new IllegalArgumentException("the spec is " + kind(spec) + "; synthetic records are written for "
                    + "tf-agents' Trajectory (IBC's datasets) or Transition specs");
        }
        this.spec = spec;
        this.transition = t.typeName().equals("Transition");
        this.codec = new ExampleCodec(spec);
        this.seed = seed;
        int obsElements = 0;
        for (SpecNode.Leaf leaf : codec.leaves()) {
            Role role = role(leaf.path());
            if (role == Role.OBSERVATION || role == Role.NEXT_OBSERVATION) {
                if (role == Role.OBSERVATION) {
                    obsElements += leaf.spec().size();
                }
            } else if (role != Role.ZEROS && role != Role.ACTION && leaf.spec().shape().length != 0) {
                throw new IllegalArgumentException("'" + leaf.path() + "' is " + leaf.spec().describe()
                        + "; tf-agents' " + (transition ? "TimeStep" : "Trajectory") + " has a scalar there");
            }
            if (leaf.spec().dtype() == DType.FLOAT16) {
                throw new IllegalArgumentException("'" + leaf.path() + "' is float16, which no IBC dataset uses and "
                        + "synthetic records do not generate");
            }
        }
        if (obsElements == 0) {
            throw new IllegalArgumentException("the spec has no observation to derive the actions from");
        }
        this.latent = Math.min(MAX_LATENT, obsElements);
    }

    /** Reads {@code specFile}, writes {@code tfrecord} and its {@code .spec}; returns the records written. */
    public static long write(Path specFile, Path tfrecord, int episodes, int stepsPerEpisode, long seed)
            throws IOException {
        SpecNode spec = SpecFile.read(specFile);
        try {
            return new SyntheticRecords(spec, seed).write(tfrecord, episodes, stepsPerEpisode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(specFile + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code episodes} episodes of {@code stepsPerEpisode} steps and the spec sidecar. */
    public long write(Path tfrecord, int episodes, int stepsPerEpisode) throws IOException {
        if (episodes < 1 || stepsPerEpisode < 2) {
            throw new IllegalArgumentException("need at least 1 episode of at least 2 steps (got " + episodes
                    + " episodes of " + stepsPerEpisode + ")");
        }
        Random rng = new Random(seed);
        long written = 0;
        SpecFile.write(SpecFile.specPathFor(tfrecord), spec);
        try (TFRecordWriter w = TFRecordWriter.create(tfrecord)) {
            for (int e = 0; e < episodes; e++) {
                List<double[]> us = walk(rng, stepsPerEpisode + 1);
                int records = transition ? stepsPerEpisode : stepsPerEpisode + 1;
                for (int r = 0; r < records; r++) {
                    w.write(codec.serialize(values(step(r, records), us.get(r), us.get(Math.min(r + 1, us.size() - 1)))));
                    written++;
                }
            }
        }
        return written;
    }

    /** The step and next-step types of record {@code r} of an episode of {@code n} records. */
    private Step step(int r, int n) {
        int type = r == 0 ? TrajectoryStep.FIRST : !transition && r == n - 1 ? TrajectoryStep.LAST : TrajectoryStep.MID;
        int next = type == TrajectoryStep.LAST ? TrajectoryStep.FIRST
                : r == n - (transition ? 1 : 2) ? TrajectoryStep.LAST : TrajectoryStep.MID;
        return new Step(type, next);
    }

    private record Step(int type, int next) {
        float reward() {
            return next == TrajectoryStep.LAST ? 1f : 0f;
        }

        float discount() {
            return next == TrajectoryStep.LAST ? 0f : 1f;
        }
    }

    private List<double[]> walk(Random rng, int n) {
        List<double[]> us = new java.util.ArrayList<>();
        double[] u = new double[latent];
        for (int i = 0; i < latent; i++) {
            u[i] = rng.nextGaussian();
        }
        double noise = Math.sqrt(1 - AR * AR);
        for (int t = 0; t < n; t++) {
            us.add(u.clone());
            for (int i = 0; i < latent; i++) {
                u[i] = AR * u[i] + noise * rng.nextGaussian();
            }
        }
        return us;
    }

    private Map<String, TensorValue> values(Step s, double[] u, double[] uNext) {
        Map<String, TensorValue> v = new HashMap<>();
        for (SpecNode.Leaf leaf : codec.leaves()) {
            TensorSpec t = leaf.spec();
            v.put(leaf.path(), switch (role(leaf.path())) {
                case STEP_TYPE -> filled(t, s.type());
                case NEXT_STEP_TYPE -> filled(t, s.next());
                // A Transition's time_step carries the reward and discount of arriving there: 0 and 1 inside.
                case REWARD -> filled(t, transition ? 0 : s.reward());
                case DISCOUNT -> filled(t, transition ? 1 : s.discount());
                case NEXT_REWARD -> filled(t, s.reward());
                case NEXT_DISCOUNT -> filled(t, s.discount());
                case OBSERVATION -> projected(t, key(leaf.path()), u);
                case NEXT_OBSERVATION -> projected(t, key(leaf.path()), uNext);
                case ACTION -> projected(t, "action", u);
                case ZEROS -> filled(t, 0);
            });
        }
        return v;
    }

    private enum Role {
        STEP_TYPE, NEXT_STEP_TYPE, REWARD, DISCOUNT, NEXT_REWARD, NEXT_DISCOUNT, OBSERVATION, NEXT_OBSERVATION,
        ACTION, ZEROS
    }

    /** What a leaf holds, by its joined path in a Trajectory or a Transition. */
    private Role role(String path) {
        String head = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        String rest = path.contains("/") ? path.substring(path.indexOf('/') + 1) : "";
        if (!transition) {
            return switch (head) {
                case "step_type" -> Role.STEP_TYPE;
                case "next_step_type" -> Role.NEXT_STEP_TYPE;
                case "reward" -> Role.NEXT_REWARD;
                case "discount" -> Role.NEXT_DISCOUNT;
                case "observation" -> Role.OBSERVATION;
                case "action" -> Role.ACTION;
                case "policy_info" -> Role.ZEROS;
                default -> throw unknown(path);
            };
        }
        boolean next = head.equals("next_time_step");
        if (head.equals("time_step") || next) {
            String field = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            return switch (field) {
                case "step_type" -> next ? Role.NEXT_STEP_TYPE : Role.STEP_TYPE;
                case "reward" -> next ? Role.NEXT_REWARD : Role.REWARD;
                case "discount" -> next ? Role.NEXT_DISCOUNT : Role.DISCOUNT;
                case "observation" -> next ? Role.NEXT_OBSERVATION : Role.OBSERVATION;
                default -> throw unknown(path);
            };
        }
        if (head.equals("action_step")) {
            return rest.equals("action") ? Role.ACTION : Role.ZEROS; // PolicyStep's state and info
        }
        throw unknown(path);
    }

    private IllegalArgumentException unknown(String path) {
        return new IllegalArgumentException("'" + path + "' is not a field of tf-agents' "
                + (transition ? "Transition" : "Trajectory") + "; cannot tell what to write there");
    }

    /** The observation leaf's path below the time step: the same projection for a time step and its next. */
    private static String key(String path) {
        return path.startsWith("next_time_step/") ? "time_step/" + path.substring("next_time_step/".length()) : path;
    }

    private TensorValue projected(TensorSpec t, String key, double[] u) {
        int n = t.size();
        double[][] a = projections.computeIfAbsent(key, k -> projection(k, n));
        double[] lo = bound(t.minimum(), n);
        double[] hi = bound(t.maximum(), n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double y = 0;
            for (int j = 0; j < latent; j++) {
                y += a[i][j] * u[j];
            }
            boolean bounded = lo != null && Double.isFinite(lo[i]) && Double.isFinite(hi[i]);
            if (bounded) {
                x[i] = (lo[i] + hi[i]) / 2 + SPAN * (hi[i] - lo[i]) * Math.tanh(y);
            } else if (t.dtype() == DType.FLOAT32 || t.dtype() == DType.FLOAT64) {
                x[i] = y;
            } else {
                double[] r = intRange(t.dtype());
                x[i] = (r[0] + r[1]) / 2 + SPAN * (r[1] - r[0]) * Math.tanh(y);
            }
        }
        return of(t, x);
    }

    /** A fixed N(0, 1/k) projection per leaf, seeded by the run's seed and the leaf's path. */
    private double[][] projection(String key, int n) {
        Random r = new Random(seed * 1_000_003L + key.hashCode());
        double[][] a = new double[n][latent];
        for (double[] row : a) {
            for (int j = 0; j < latent; j++) {
                row[j] = r.nextGaussian() / Math.sqrt(latent);
            }
        }
        return a;
    }

    private static double[] bound(TensorValue b, int n) {
        if (b == null) {
            return null;
        }
        double[] v = b.asDoubles();
        if (v.length == n) {
            return v;
        }
        double[] full = new double[n];
        java.util.Arrays.fill(full, v[0]); // a scalar bound, broadcast as NumPy does
        return full;
    }

    /** An unbounded integer leaf's range: its dtype's for 8 bits (images), ±100 for wider ones. */
    private static double[] intRange(DType d) {
        return switch (d) {
            case UINT8 -> new double[] {0, 255};
            case INT8 -> new double[] {-128, 127};
            case UINT16 -> new double[] {0, 200};
            default -> new double[] {-100, 100};
        };
    }

    private static TensorValue filled(TensorSpec t, double value) {
        double[] x = new double[t.size()];
        java.util.Arrays.fill(x, value);
        return of(t, x);
    }

    /** {@code x} in the spec's dtype: floats rounded to float32/float64, integers rounded to nearest. */
    private static TensorValue of(TensorSpec t, double[] x) {
        int[] shape = t.shape();
        switch (t.dtype()) {
            case FLOAT32 -> {
                float[] f = new float[x.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) x[i];
                }
                return TensorValue.ofFloats(shape, f);
            }
            case FLOAT64 -> {
                return TensorValue.ofDoubles(shape, x);
            }
            case INT64 -> {
                long[] l = new long[x.length];
                for (int i = 0; i < l.length; i++) {
                    l[i] = Math.round(x[i]);
                }
                return TensorValue.ofLongs(shape, l);
            }
            default -> {
                int[] v = new int[x.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (int) Math.round(x[i]);
                }
                return TensorValue.ofInts(t.dtype(), shape, v);
            }
        }
    }

    private static String kind(SpecNode n) {
        if (n instanceof SpecNode.NamedTuple t) {
            return "a " + t.typeName() + " namedtuple";
        }
        return n instanceof TensorSpec s ? "a single " + s.describe() : "a " + n.getClass().getSimpleName().toLowerCase();
    }
}
