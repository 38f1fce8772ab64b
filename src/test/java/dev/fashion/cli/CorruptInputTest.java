package dev.fashion.cli;

import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.io.ModelWeights;
import dev.fashion.io.NamedTensor;
import dev.fashion.io.Safetensors;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;
import dev.fashion.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of corrupt input, through the CLI: the exit code and one line naming the file and the problem. */
class CorruptInputTest {
    @TempDir
    static Path tmp;
    private static Path data;
    private static Path goodWeights;

    @BeforeAll
    static void files() throws IOException {
        data = SmallDataset.write(tmp.resolve("data"), 300, 200);
        Model model = ModelFactory.build(ConfigLoader.loadDefault());
        goodWeights = tmp.resolve("good.safetensors");
        ModelWeights.save(model, goodWeights, Map.of());
    }

    static void assertOneLineError(CliTest.Result r, int code, String... fragments) {
        assertEquals(code, r.code(), r.toString());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.get(0).startsWith("error: "), r.err());
        for (String f : fragments) assertTrue(lines.get(0).contains(f), "'" + f + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    /** A copy of the small dataset whose training images are {@code images}. */
    private static Path dataWithTrainImages(String name, byte[] images) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.copy(data.resolve(f), dir.resolve(f));
        }
        Files.write(dir.resolve("train-images-idx3-ubyte"), images);
        return dir;
    }

    private static CliTest.Result trainOn(Path dataDir) {
        return CliTest.run("train", "--data", dataDir.toString(), "--epochs", "1", "--out", tmp.resolve("unused").toString(), "-q");
    }

    @Test
    void idxTruncated() throws IOException {
        byte[] good = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
        Path dir = dataWithTrainImages("truncated", Arrays.copyOf(good, good.length - 1000));
        assertOneLineError(trainOn(dir), 2, "train-images-idx3-ubyte: truncated");
    }

    @Test
    void idxWrongMagic() throws IOException {
        byte[] bad = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
        bad[0] = 0x1f;
        bad[1] = 0x7b;
        assertOneLineError(trainOn(dataWithTrainImages("magic", bad)), 2, "train-images-idx3-ubyte: not an IDX file: magic bytes");
    }

    @Test
    void idxHugeDimensions() throws IOException {
        // 2^31 images of 28x28: must be refused from the header, before anything is allocated.
        byte[] header = SmallDataset.idx(new byte[0], 0, Integer.MIN_VALUE, 28, 28);
        assertOneLineError(trainOn(dataWithTrainImages("huge", header)), 2, "train-images-idx3-ubyte: header declares",
                "more than the limit");
    }

    @Test
    void truncatedTestSplitIsNamedToo() throws IOException {
        // The test split loads on a thread of its own: its error must still be the one-line kind.
        Path dir = Files.createDirectories(tmp.resolve("test-truncated"));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.copy(data.resolve(f), dir.resolve(f));
        }
        byte[] good = Files.readAllBytes(data.resolve("t10k-images-idx3-ubyte"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(good, good.length - 1000));
        assertOneLineError(trainOn(dir), 2, "t10k-images-idx3-ubyte: truncated");
    }

    private static CliTest.Result evalWeights(Path file) {
        return CliTest.run("eval", "--model", file.toString(), "--data", data.toString());
    }

    @Test
    void safetensorsTruncated() throws IOException {
        byte[] good = Files.readAllBytes(goodWeights);
        Path file = Files.write(tmp.resolve("truncated.safetensors"), Arrays.copyOf(good, good.length - 100));
        assertOneLineError(evalWeights(file), 2, "truncated.safetensors: ", "truncated file?");
    }

    @Test
    void safetensorsWrongMagic() throws IOException {
        Path file = Files.writeString(tmp.resolve("html.safetensors"), "<!DOCTYPE html><html>Not Found</html>");
        assertOneLineError(evalWeights(file), 2, "html.safetensors: header length", "not a safetensors file?");
    }

    @Test
    void safetensorsOverlappingSpans() throws IOException {
        Path file = Files.write(tmp.resolve("overlap.safetensors"), safetensors(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]));
        assertOneLineError(evalWeights(file), 2, "overlap.safetensors: tensors a and b overlap");
    }

    @Test
    void safetensorsWrongShape() {
        List<NamedTensor> tensors = new ArrayList<>();
        for (Parameter p : ModelFactory.build(ConfigLoader.loadDefault()).parameters()) {
            int[] shape = p.name().equals("fc2.weight") ? new int[]{256, 128} : p.shape();
            tensors.add(new NamedTensor(p.name(), shape, p.data()));
        }
        Path file = tmp.resolve("transposed.safetensors");
        Safetensors.write(file, tensors, Map.of());
        assertOneLineError(evalWeights(file), 2, "transposed.safetensors: fc2.weight: expected [128, 256], found [256, 128]");
    }

    @Test
    void safetensorsNanInWeights() throws IOException {
        byte[] bytes = Files.readAllBytes(goodWeights);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int dataStart = 8 + (int) b.getLong(0);
        b.putFloat(dataStart + 4 * 5, Float.NaN); // fc1.weight comes first
        Path file = Files.write(tmp.resolve("nan.safetensors"), bytes);
        assertOneLineError(evalWeights(file), 2, "nan.safetensors: fc1.weight: non-finite value NaN at index 5");
    }

    @Test
    void configUnknownField() throws IOException {
        Path file = Files.writeString(tmp.resolve("typo.yaml"), "optimizer:\n  type: adam\n  learning_rate: 0.01\n");
        CliTest.Result r = CliTest.run("train", "--config", file.toString(), "--data", data.toString());
        assertOneLineError(r, 2, "typo.yaml:3:", "unknown field 'learning_rate' in optimizer");
    }

    @Test
    void configOutOfRange() throws IOException {
        Path file = Files.writeString(tmp.resolve("range.yaml"), "training:\n  batch_size: 0\n");
        CliTest.Result r = CliTest.run("train", "--config", file.toString(), "--data", data.toString());
        assertOneLineError(r, 2, "range.yaml:2:", "training.batch_size: batch size must be between 1 and 65536, got 0");
    }

    @Test
    void checkpointTruncatedOrMissing() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run-truncated"));
        byte[] good = Files.readAllBytes(goodWeights);
        Files.write(run.resolve(Checkpoint.FILE), Arrays.copyOf(good, 4));
        assertOneLineError(CliTest.run("train", "--resume", run.toString()), 2, Checkpoint.FILE + ": truncated");
        Files.copy(goodWeights, run.resolve(Checkpoint.FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertOneLineError(CliTest.run("train", "--resume", run.toString()), 2, "not a fashion checkpoint");
        Path empty = Files.createDirectories(tmp.resolve("run-empty"));
        assertOneLineError(CliTest.run("train", "--resume", empty.toString()), 2, "run-empty: no checkpoint.safetensors to resume from");
    }

    @Test
    void divergenceStopsWithExitThreeAndKeepsTheLastGoodCheckpoint() throws IOException {
        RunConfig hot = ConfigLoader.loadDefault();
        hot.getOptimizer().setType("sgd");
        hot.getOptimizer().setLr(1000);
        hot.getOptimizer().setMomentum(0.9);
        Path config = Files.writeString(tmp.resolve("hot.yaml"), ConfigLoader.toYaml(hot));
        Path run = tmp.resolve("diverged");
        CliTest.Result r = CliTest.run("train", "--config", config.toString(), "--data", data.toString(), "--out", run.toString(),
                "--checkpoint-every", "1", "-q");
        assertOneLineError(r, 3, "training diverged at epoch 1, step ", "last finite batch loss", "learning rate too high?",
                "the last good checkpoint (epoch 1, batch ");
        Checkpoint kept = Checkpoint.read(run.resolve(Checkpoint.FILE)); // reading rejects any non-finite value
        assertTrue(r.err().contains("step " + (kept.optimizerSteps() + 1) + ":"), "the checkpoint is the step before: " + r.err());
        assertFalse(Files.exists(run.resolve("model.safetensors")));
    }

    /** A safetensors file from a header and a data region. */
    static byte[] safetensors(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }
}
