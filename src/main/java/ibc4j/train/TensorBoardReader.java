package ibc4j.train;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import ibc4j.data.TFRecordException;
import ibc4j.data.TFRecordReader;
import ibc4j.data.proto.DataType;
import ibc4j.data.proto.Event;
import ibc4j.data.proto.Summary;
import ibc4j.data.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the scalars of a TensorBoard log directory, as TensorBoard's {@code EventAccumulator} (with
 * {@code data_compat.migrate_value}) does for one run: every file whose name contains {@code tfevents}, directly
 * in the directory, in file-name order, record by record.
 *
 * <p>Both scalar forms are read: {@code simple_value} (TF1, {@link TensorBoardWriter}) and TF2's
 * {@code tf.summary.scalar}, a rank-0 tensor under a tag whose metadata names the {@code "scalars"} plugin (TF
 * writes the metadata with the value; as TensorBoard does, the first metadata seen for a tag in the directory
 * decides its plugin). Other summaries (histograms, images, text...) are skipped.
 *
 * <p>Points are returned as written, one list per tag in first-seen order; like TensorBoard with
 * {@code brain.Event:2} files, nothing is dropped when a resumed run repeats steps ({@link TrainingPlots} does
 * that for its lines). A file whose last record is cut short ends there, as TensorBoard treats a record still
 * being written: a run killed mid-write leaves exactly that. Any other damage (a CRC mismatch, a record that is
 * not an {@code Event}) is an {@link IOException} naming the file, the record and its byte offset.
 */
public final class TensorBoardReader {
    /** The scalars plugin's name in {@code SummaryMetadata.plugin_data} ({@code tensorboard/plugins/scalar}). */
    static final String SCALARS_PLUGIN = "scalars";

    /** One point of a scalar series: its step, wall time in seconds since the epoch, and float32 value. */
    public record Scalar(long step, double wallTime, float value) {}

    private TensorBoardReader() {
    }

    /**
     * Every scalar in {@code logDir}'s event files, per tag. Subdirectories are other runs and are not read. A
     * directory that does not exist holds no scalars.
     */
    public static Map<String, List<Scalar>> readScalars(Path logDir) throws IOException {
        Map<String, List<Scalar>> scalars = new LinkedHashMap<>();
        Map<String, String> pluginByTag = new HashMap<>();
        for (Path file : eventFiles(logDir)) {
            readFile(file, scalars, pluginByTag);
        }
        return scalars;
    }

    /** The {@code *tfevents*} regular files directly in {@code logDir}, sorted by name as TensorBoard loads them. */
    public static List<Path> eventFiles(Path logDir) throws IOException {
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(logDir)) {
            return s.filter(p -> p.getFileName().toString().contains("tfevents") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private static void readFile(Path file, Map<String, List<Scalar>> scalars, Map<String, String> pluginByTag)
            throws IOException {
        try (TFRecordReader records = TFRecordReader.open(file)) {
            while (true) {
                long offset = records.offset();
                long index = records.recordsRead();
                byte[] data;
                try {
                    data = records.read();
                } catch (TFRecordException e) {
                    if (e.problem() == TFRecordException.Problem.TRUNCATED) {
                        return; // the tail a killed writer leaves; TensorBoard waits for it to complete
                    }
                    throw e;
                }
                if (data == null) {
                    return;
                }
                String where = file + ": record " + index + " at byte offset " + offset;
                Event event;
                try {
                    event = Event.parseFrom(data);
                } catch (InvalidProtocolBufferException e) {
                    throw new IOException(where + ": not a tensorflow.Event (" + e.getMessage() + ")", e);
                }
                if (event.hasSummary()) {
                    for (Summary.Value v : event.getSummary().getValueList()) {
                        add(event, v, where, scalars, pluginByTag);
                    }
                }
            }
        }
    }

    private static void add(Event event, Summary.Value v, String where, Map<String, List<Scalar>> scalars,
                            Map<String, String> pluginByTag) throws IOException {
        // Pre-TF1 tensor summaries named the tag only in node_name (event_accumulator does the same fallback).
        String tag = v.getTag().isEmpty() && v.hasTensor() ? v.getNodeName() : v.getTag();
        if (v.hasMetadata() && !v.getMetadata().getPluginData().getPluginName().isEmpty()) {
            pluginByTag.putIfAbsent(tag, v.getMetadata().getPluginData().getPluginName());
        }
        float value;
        if (v.hasSimpleValue()) {
            value = v.getSimpleValue();
        } else if (v.hasTensor() && SCALARS_PLUGIN.equals(pluginByTag.get(tag))) {
            value = scalarOf(v.getTensor(), where + ", tag '" + tag + "'");
        } else {
            return;
        }
        scalars.computeIfAbsent(tag, t -> new ArrayList<>())
                .add(new Scalar(event.getStep(), event.getWallTime(), value));
    }

    /** A rank-0 numeric tensor's value as float32, as the scalars plugin shows it. */
    static float scalarOf(TensorProto t, String where) throws IOException {
        if (t.getTensorShape().getDimCount() != 0 || t.getTensorShape().getUnknownRank()) {
            throw new IOException(where + ": a scalar summary must be a rank-0 tensor, got shape "
                    + t.getTensorShape().getDimList().stream().map(d -> Long.toString(d.getSize())).toList());
        }
        ByteString content = t.getTensorContent();
        ByteBuffer raw = content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        DataType dtype = t.getDtype();
        int need = switch (dtype) {
            case DT_FLOAT, DT_INT32 -> 4;
            case DT_DOUBLE, DT_INT64 -> 8;
            default -> throw new IOException(where + ": scalar of dtype " + dtype
                    + " not supported (DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64)");
        };
        if (!content.isEmpty()) {
            if (content.size() != need) {
                throw new IOException(where + ": " + content.size() + " bytes of tensor_content for one "
                        + dtype + ", which takes " + need);
            }
            return switch (dtype) {
                case DT_FLOAT -> raw.getFloat();
                case DT_DOUBLE -> (float) raw.getDouble();
                case DT_INT32 -> raw.getInt();
                default -> raw.getLong();
            };
        }
        // TF's typed lists; an empty list means the zero value (tensor_util.MakeNdarray's np.zeros).
        return switch (dtype) {
            case DT_FLOAT -> t.getFloatValCount() == 0 ? 0f : t.getFloatVal(0);
            case DT_DOUBLE -> t.getDoubleValCount() == 0 ? 0f : (float) t.getDoubleVal(0);
            case DT_INT32 -> t.getIntValCount() == 0 ? 0f : t.getIntVal(0);
            default -> t.getInt64ValCount() == 0 ? 0f : t.getInt64Val(0);
        };
    }
}
