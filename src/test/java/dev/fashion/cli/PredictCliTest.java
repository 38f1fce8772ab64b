package dev.fashion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.data.ImagePreprocessor;
import dev.fashion.data.ProductPhotos;
import dev.fashion.io.ModelWeights;
import dev.fashion.kernels.KernelProvider;
import dev.fashion.nn.Model;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import dev.fashion.train.Normalization;
import dev.fashion.train.Predictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.fashion.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** predict, view, eval --out and plot against one quickly trained model. */
class PredictCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static Path runDir;
    static String trainOut;
    static ImageDataset test;
    static Scheduler scheduler;
    static Predictor idx;

    @BeforeAll
    static void trainOnce() {
        runDir = tmp.resolve("run");
        CliTest.Result r = run("train", "--epochs", "1", "--train-limit", "10000", "--test-limit", "1000",
                "--out", runDir.toString(), "--seed", "1");
        assertEquals(0, r.code(), r.err());
        trainOut = r.out();
        test = FashionMnist.load(FashionMnist.Split.TEST);
        RunConfig cfg = ConfigLoader.load(runDir.resolve("config.yaml"));
        Model model = ModelFactory.build(cfg);
        ModelWeights.load(model, runDir.resolve("model.safetensors"));
        scheduler = new Scheduler(Scheduler.defaultThreads());
        idx = new Predictor(model, Normalization.of(cfg.getData()), new ParallelKernels(KernelProvider.choose().kernels(), scheduler));
    }

    @AfterAll
    static void close() {
        scheduler.close();
    }

    static void assertPng(Path f, int width, int height) throws Exception {
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(width, img.getWidth(), f + " width");
        assertEquals(height, img.getHeight(), f + " height");
    }

    @Test
    void trainPrintsCleanLinesAndDrawsCurves() throws Exception {
        assertFalse(trainOut.contains("\r"), "no progress bar when stdout is not a terminal");
        assertTrue(trainOut.contains("epoch 1/1"), trainOut);
        assertPng(runDir.resolve("curves.png"), 1560, 480);
    }

    @Test
    void aTestImageSavedAsPngPredictsExactlyAsFromTheIdxData() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("png28"));
        int n = 20;
        for (int i = 0; i < n; i++) ImageIO.write(ProductPhotos.gray(test, i), "png", dir.resolve(String.format("%02d.png", i)).toFile());
        CliTest.Result r = run("predict", "--model", runDir.toString(), "--json", "--top", "10", dir.toString());
        assertEquals(0, r.code(), r.err());
        float[] expected = idx.probabilities(test.subset(0, n));
        String[] lines = r.out().split("\\R");
        assertEquals(n, lines.length);
        for (int i = 0; i < n; i++) {
            JsonNode o = JSON.readTree(lines[i]);
            assertTrue(o.get("file").asText().endsWith(String.format("%02d.png", i)), lines[i]);
            assertEquals(10, o.get("top").size());
            double last = 1;
            for (JsonNode t : o.get("top")) {
                int c = t.get("index").asInt();
                assertEquals(FashionMnist.CLASS_NAMES.get(c), t.get("class").asText());
                double p = t.get("probability").asDouble();
                assertEquals(expected[i * 10 + c], p, 1e-5, "image " + i + " class " + c);
                assertTrue(p <= last, "most probable first");
                last = p;
            }
        }
    }

    @Test
    void productPhotosAgreeWithTheIdxPrediction() throws Exception {
        // 100 here to keep the suite fast; the closing note of issue 4 has the 200-image CLI measurement.
        int n = 100;
        int[] want = new int[n];
        float[] probs = idx.probabilities(test.subset(0, n));
        for (int i = 0; i < n; i++) want[i] = Predictor.ranking(probs, i, 10)[0];
        Random rng = new Random(4);
        List<byte[]> png = new ArrayList<>();
        List<byte[]> jpg = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage photo = ProductPhotos.photo(test, i, rng);
            png.add(ImagePreprocessor.preprocess(photo)); // PNG is lossless: the file round trip adds nothing
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            ProductPhotos.writeJpeg(photo, jpeg, 0.85f);
            jpg.add(ImagePreprocessor.preprocess(ImageIO.read(new ByteArrayInputStream(jpeg.toByteArray()))));
        }
        for (List<byte[]> set : List.of(png, jpg)) {
            float[] got = idx.probabilities(PredictCommand.dataset(set, "photos"));
            int agree = 0;
            for (int i = 0; i < n; i++) if (Predictor.ranking(got, i, 10)[0] == want[i]) agree++;
            // The reference model (5 epochs) agrees on 97% of 200; this one had a single short epoch.
            assertTrue(agree >= 0.85 * n, (set == png ? "PNG" : "JPEG") + " agreement " + agree + "/" + n);
        }
    }

    @Test
    void aCorruptFileIsReportedAndTheOthersStillPredicted() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        for (int i = 0; i < 3; i++) ImageIO.write(ProductPhotos.gray(test, i), "png", dir.resolve(i + ".png").toFile());
        Path bad = dir.resolve("broken.jpg");
        Files.writeString(bad, "this is not a JPEG");
        Files.writeString(dir.resolve("README.txt"), "skipped: not an image extension");

        CliTest.Result r = run("predict", "--model", runDir.toString(), dir.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("error: " + bad) && r.err().strip().lines().count() == 1, r.err());
        assertEquals(3, r.out().lines().count(), r.out());
        assertTrue(r.out().matches("(?s).*0\\.png: [A-Za-z /-]+ \\d+\\.\\d%, .*"), r.out());

        CliTest.Result j = run("predict", "--model", runDir.toString(), "--json", dir.toString());
        assertEquals(1, j.code());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : j.out().split("\\R")) lines.add(JSON.readTree(l));
        assertEquals(4, lines.size());
        JsonNode err = lines.stream().filter(o -> o.has("error")).findFirst().orElseThrow();
        assertEquals(bad.toString(), err.get("file").asText());
        assertFalse(err.has("top"));
        assertEquals(3, lines.get(1).get("top").size(), "default --top 3");
    }

    @Test
    void predictRejectsBadFlagsAndMissingModels() {
        CliTest.assertUserError(run("predict", "--model", runDir.toString(), "--top", "0", "x.png"), "--top");
        CliTest.assertUserError(run("predict", "--model", "no/such/run", "x.png"), "no/such/run");
        CliTest.Result missing = run("predict", "--model", runDir.toString(), tmp.resolve("nope.png").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.png: file not found"), missing.err());
    }

    @Test
    void viewWritesTheProbabilityPictureAndTheGrid() throws Exception {
        Path one = tmp.resolve("view.png");
        CliTest.Result r = run("view", "--model", runDir.toString(), "--index", "0", "--out", one.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("true Ankle boot"), r.out());
        assertPng(one, 960, 420);

        Path photo = tmp.resolve("shoe.jpg");
        ProductPhotos.writeJpeg(ProductPhotos.photo(test, 0, new Random(1)), photo, 0.9f);
        Path fromFile = tmp.resolve("view-file.png");
        assertEquals(0, run("view", "--model", runDir.toString(), photo.toString(), "--out", fromFile.toString()).code());
        assertPng(fromFile, 960, 420);

        Path grid = tmp.resolve("grid.png");
        r = run("view", "--model", runDir.toString(), "--grid", "12", "--out", grid.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)wrote .* of 12 right.*"), r.out());
        assertPng(grid, 4 * 150, 40 + 3 * (28 * 4 + 38 + 12));

        CliTest.assertUserError(run("view", "--model", runDir.toString(), "--out", one.toString()), "--index");
        CliTest.assertUserError(run("view", "--model", runDir.toString(), "--index", "10000", "--out", one.toString()), "--index");
    }

    @Test
    void evalOutWritesJsonAndConfusionHeatmap() throws Exception {
        Path out = tmp.resolve("eval");
        CliTest.Result r = run("eval", "--model", runDir.toString(), "--test-limit", "500", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("macro average") && r.out().contains("confusion matrix") && r.out().contains("9: Ankle boot"), r.out());
        JsonNode json = JSON.readTree(out.resolve("eval.json").toFile());
        assertEquals(500, json.get("count").asInt());
        assertEquals(10, json.get("classes").size());
        assertEquals(10, json.get("confusion_matrix").size());
        assertTrue(json.get("macro_average").has("f1"));
        long total = 0;
        for (JsonNode row : json.get("confusion_matrix")) for (JsonNode v : row) total += v.asLong();
        assertEquals(500, total);
        assertPng(out.resolve("confusion.png"), 1000, 860);
    }

    @Test
    void plotOverlaysRuns() throws Exception {
        Path out = tmp.resolve("compare.png");
        CliTest.Result r = run("plot", runDir.toString(), runDir.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertPng(out, 1560, 540); // one legend row per run and curve
        CliTest.assertUserError(run("plot", tmp.toString()), "not a run directory");
    }

    @Test
    void newCommandsHaveHelp() {
        for (String cmd : List.of("predict", "view", "plot")) {
            CliTest.Result r = run(cmd, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: fashion " + cmd), r.out());
        }
    }
}
