package dev.fashion.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.RunConfig;
import dev.fashion.io.AtomicFiles;
import dev.fashion.io.ModelWeights;
import dev.fashion.io.NamedTensor;
import dev.fashion.io.Safetensors;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;
import dev.fashion.nn.Rng;
import dev.fashion.optim.Optimizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a run needs to continue exactly: weights and optimizer buffers as tensors of a safetensors
 * file ({@code fc1.weight}, {@code optimizer.fc1.weight.exp_avg}, ...), and in its {@code __metadata__}
 * the resolved config, the {@link TrainingState}, the optimizer's step count and the dropout generator.
 * Only strings and numbers are read back; nothing in the file names code.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";
    static final String FORMAT = "fashion-checkpoint/1";
    static final String OPTIMIZER_PREFIX = "optimizer.";
    /** With keep: best, the best epoch's weights: {@code best.fc1.weight}, ... */
    static final String BEST_PREFIX = "best.";
    /** Test hook: milliseconds to sleep after writing the temporary file and before the rename. */
    static final String PAUSE_PROPERTY = "fashion.checkpoint.pauseMillis";

    /** Settings a resume may not change: they decide what the remaining steps do. */
    private static final List<String> PINNED = List.of("optimizer.type", "training.batch_size", "training.shuffle",
            "training.seed", "data.dir", "data.train_limit", "data.validation", "schedule.type", "training.keep");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final RunConfig config;
    private final TrainingState state;
    private final long optimizerSteps;
    private final long dropoutState;
    private final Safetensors.Contents contents;

    private final double lr;
    private final int bestEpoch;

    private Checkpoint(Path file, RunConfig config, TrainingState state, long optimizerSteps, long dropoutState,
                       Safetensors.Contents contents, double lr, int bestEpoch) {
        this.lr = lr;
        this.bestEpoch = bestEpoch;
        this.file = file;
        this.config = config;
        this.state = state;
        this.optimizerSteps = optimizerSteps;
        this.dropoutState = dropoutState;
        this.contents = contents;
    }

    static void write(Path file, RunConfig config, Model model, Optimizer optimizer, Rng dropout, TrainingState s,
                      Trainer.BestWeights best) {
        // The model's state_dict (parameters and batch norm's running statistics), the best epoch's copy, then
        // the optimizer's buffers.
        List<NamedTensor> tensors = new ArrayList<>(ModelWeights.stateTensors(model));
        if (best != null && best.epoch > 0) {
            for (NamedTensor t : best.state) {
                tensors.add(t.longs() != null ? NamedTensor.ofLongs(BEST_PREFIX + t.name(), t.shape(), t.longs())
                        : new NamedTensor(BEST_PREFIX + t.name(), t.shape(), t.data()));
            }
        }
        for (Map.Entry<String, float[]> e : optimizer.state().entrySet()) {
            tensors.add(new NamedTensor(OPTIMIZER_PREFIX + e.getKey(), shapeOf(model, e.getKey()), e.getValue()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("config", ConfigLoader.toJson(config));
        meta.put("epoch", Integer.toString(s.epoch));
        meta.put("batch", Integer.toString(s.batch));
        meta.put("train_images", Integer.toString(s.trainImages));
        meta.put("shuffle_rng_epoch_start", Long.toString(s.epochShuffleState));
        meta.put("dropout_rng", Long.toString(dropout.state()));
        meta.put("optimizer", optimizer.type());
        meta.put("optimizer_steps", Long.toString(optimizer.steps()));
        // The rate of the last step taken (the schedule gives the next from the step count).
        meta.put("lr", Double.toString(optimizer.lr()));
        if (best != null) meta.put("best_epoch", Integer.toString(best.epoch));
        // Double.toString round-trips exactly, so a resumed epoch reports the same training loss.
        meta.put("epoch_loss_sum", Double.toString(s.epochLossSum));
        meta.put("epoch_correct", Long.toString(s.epochCorrect));
        meta.put("epoch_seconds", Double.toString(s.epochSeconds));
        meta.put("last_finite_loss", Double.toString(s.lastFiniteLoss));
        try {
            meta.put("history", JSON.writeValueAsString(s.history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        AtomicFiles.Body body = Safetensors.encoder(file, tensors, meta);
        long pause = Long.getLong(PAUSE_PROPERTY, 0);
        AtomicFiles.write(file, out -> {
            body.writeTo(out);
            if (pause > 0) sleep(pause);
        });
    }

    /** An optimizer buffer has its parameter's shape: {@code fc1.weight.exp_avg} is shaped like {@code fc1.weight}. */
    private static int[] shapeOf(Model model, String stateName) {
        Parameter p = model.parameter(stateName.substring(0, stateName.lastIndexOf('.')));
        if (p == null) throw new IllegalStateException("optimizer state " + stateName + " has no parameter");
        return p.shape();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads and checks a checkpoint; the tensors are matched against a model later, by {@link #restore}. */
    public static Checkpoint read(Path file) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> meta = contents.metadata();
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw new FashionException(file + ": not a fashion checkpoint (__metadata__.format is "
                    + (format == null ? "missing" : "'" + format + "'") + ", expected '" + FORMAT + "')");
        }
        Fields f = new Fields(file, meta);
        RunConfig config = ConfigLoader.parse(f.string("config").getBytes(StandardCharsets.UTF_8),
                file + ": __metadata__.config", true);
        TrainingState s = new TrainingState(f.bits("shuffle_rng_epoch_start"));
        s.epoch = (int) f.whole("epoch", 1, Integer.MAX_VALUE);
        s.batch = (int) f.whole("batch", 0, Integer.MAX_VALUE);
        s.trainImages = (int) f.whole("train_images", 1, Integer.MAX_VALUE);
        s.epochLossSum = f.number("epoch_loss_sum");
        s.epochCorrect = f.whole("epoch_correct", 0, Integer.MAX_VALUE);
        s.epochSeconds = f.number("epoch_seconds");
        // NaN until the first finite batch loss.
        s.lastFiniteLoss = f.string("last_finite_loss").equals("NaN") ? Double.NaN : f.number("last_finite_loss");
        s.history.addAll(f.history());
        if (s.history.size() != s.epoch - 1) {
            throw new FashionException(file + ": __metadata__.history has " + s.history.size() + " epochs, expected "
                    + (s.epoch - 1) + " before epoch " + s.epoch);
        }
        if (!config.getOptimizer().getType().equals(f.string("optimizer"))) {
            throw new FashionException(file + ": __metadata__.optimizer is '" + f.string("optimizer")
                    + "', the config says '" + config.getOptimizer().getType() + "'");
        }
        // Checkpoints from before schedules have no lr: the config's was the only one.
        double lr = meta.containsKey("lr") ? f.number("lr") : config.getOptimizer().getLr();
        int bestEpoch = meta.containsKey("best_epoch") ? (int) f.whole("best_epoch", 0, s.epoch - 1) : 0;
        return new Checkpoint(file, config, s, f.whole("optimizer_steps", 0, Long.MAX_VALUE), f.bits("dropout_rng"), contents,
                lr, bestEpoch);
    }

    /** The checkpoint's metadata fields, each checked as it is read. */
    private record Fields(Path file, Map<String, String> meta) {
        String string(String key) {
            String v = meta.get(key);
            if (v == null) throw new FashionException(file + ": __metadata__." + key + " is missing");
            return v;
        }

        long whole(String key, long min, long max) {
            try {
                long v = Long.parseLong(string(key));
                if (v >= min && v <= max) return v;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new FashionException(file + ": __metadata__." + key + ": expected a whole number from " + min + " to "
                    + max + ", found '" + meta.get(key) + "'");
        }

        /** A generator state: any 64-bit value. */
        long bits(String key) {
            return whole(key, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        double number(String key) {
            try {
                double v = Double.parseDouble(string(key));
                if (!Double.isFinite(v)) throw new NumberFormatException();
                return v;
            } catch (NumberFormatException e) {
                throw new FashionException(file + ": __metadata__." + key + ": expected a finite number, found '" + meta.get(key) + "'");
            }
        }

        List<EpochMetrics> history() {
            try {
                return Arrays.asList(JSON.readValue(string("history"), EpochMetrics[].class));
            } catch (JsonProcessingException e) {
                throw new FashionException(file + ": __metadata__.history: expected the list of epoch metrics (" + e.getClass().getSimpleName() + ")");
            }
        }
    }

    /**
     * Puts the weights, optimizer buffers and step count, and the dropout generator back. The file must
     * hold exactly the tensors this model and optimizer have, with the same shapes.
     */
    void restore(Model model, Optimizer optimizer, Rng dropout, Trainer.BestWeights best) {
        Map<String, int[]> expected = new LinkedHashMap<>(ModelWeights.stateShapes(model));
        Map<String, float[]> buffers = optimizer.state();
        for (String name : buffers.keySet()) expected.put(OPTIMIZER_PREFIX + name, shapeOf(model, name));
        boolean hasBest = best != null && bestEpoch > 0;
        if (hasBest) for (NamedTensor t : best.state) expected.put(BEST_PREFIX + t.name(), t.shape());
        contents.requireExactly(expected);
        ModelWeights.restore(model, contents.tensors(), file);
        for (Map.Entry<String, float[]> e : buffers.entrySet()) copy(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        if (hasBest) {
            for (NamedTensor t : best.state) {
                NamedTensor saved = contents.tensors().get(BEST_PREFIX + t.name());
                if (t.longs() != null) {
                    if (saved.longs() == null) throw new FashionException(file + ": " + BEST_PREFIX + t.name() + ": expected dtype I64");
                    System.arraycopy(saved.longs(), 0, t.longs(), 0, t.longs().length);
                } else {
                    if (saved.longs() != null) throw new FashionException(file + ": " + BEST_PREFIX + t.name() + ": expected dtype F32, found I64");
                    copy(BEST_PREFIX + t.name(), t.data());
                }
            }
            best.epoch = bestEpoch;
        }
        optimizer.setSteps(optimizerSteps);
        optimizer.setLr(lr);
        dropout.setState(dropoutState);
    }

    /** The learning rate of the last step before the checkpoint. */
    public double lr() {
        return lr;
    }

    private void copy(String name, float[] into) {
        float[] src = contents.tensors().get(name).data();
        System.arraycopy(src, 0, into, 0, into.length);
    }

    public Path file() {
        return file;
    }

    /** The config the run was started with (after overrides). */
    public RunConfig config() {
        return config;
    }

    public TrainingState state() {
        return state;
    }

    public long optimizerSteps() {
        return optimizerSteps;
    }

    /**
     * Refuses a config that would not continue this run: a different model (which could not take these
     * weights), optimizer type, batch size, seed, shuffling or training data. Other settings, such as
     * more epochs, may change. Every difference is named on one line.
     */
    public void checkResumableWith(RunConfig requested) {
        Map<String, String[]> diffs = new LinkedHashMap<>();
        diff("", tree(config), tree(requested), diffs);
        List<String> model = new ArrayList<>();
        List<String> pinned = new ArrayList<>();
        for (Map.Entry<String, String[]> d : diffs.entrySet()) {
            String line = d.getKey() + " is " + d.getValue()[1] + ", the checkpoint's is " + d.getValue()[0];
            if (d.getKey().startsWith("model")) model.add(line);
            else if (PINNED.stream().anyMatch(p -> d.getKey().equals(p))) pinned.add(line);
        }
        if (!model.isEmpty()) {
            throw new FashionException(file + ": cannot resume: the config changes the model (" + String.join("; ", model)
                    + "); a different model needs a new run");
        }
        // A schedule over the whole run (cosine, one_cycle) is drawn for its epoch count and settings.
        if (config.getSchedule().spansRun() && config.getTraining().getEpochs() != requested.getTraining().getEpochs()) {
            pinned.add("training.epochs is " + requested.getTraining().getEpochs() + ", the checkpoint's is "
                    + config.getTraining().getEpochs() + " (the " + config.getSchedule().getType() + " schedule spans the run)");
        }
        for (Map.Entry<String, String[]> d : diffs.entrySet()) {
            if (d.getKey().startsWith("schedule.") && !d.getKey().equals("schedule.type")) {
                pinned.add(d.getKey() + " is " + d.getValue()[1] + ", the checkpoint's is " + d.getValue()[0]);
            }
        }
        if (!pinned.isEmpty()) {
            throw new FashionException(file + ": cannot resume: " + String.join("; ", pinned)
                    + " (the run would not continue the same way)");
        }
    }

    private static JsonNode tree(RunConfig c) {
        try {
            return JSON.readTree(ConfigLoader.toJson(c));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void diff(String path, JsonNode saved, JsonNode now, Map<String, String[]> out) {
        if (saved != null && now != null && saved.isObject() && now.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            saved.fieldNames().forEachRemaining(names::add);
            now.fieldNames().forEachRemaining(names::add);
            for (String n : names) diff(path.isEmpty() ? n : path + "." + n, saved.get(n), now.get(n), out);
        } else if (saved != null && now != null && saved.isArray() && now.isArray() && saved.size() == now.size()) {
            for (int i = 0; i < saved.size(); i++) diff(path + "[" + i + "]", saved.get(i), now.get(i), out);
        } else if (saved == null || !saved.equals(now)) {
            out.put(path, new String[]{describe(saved), describe(now)});
        }
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isNull()) return "unset";
        if (n.isArray() && n.size() > 3) return n.size() + " entries";
        return n.toString();
    }
}
