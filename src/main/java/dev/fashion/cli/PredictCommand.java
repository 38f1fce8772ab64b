package dev.fashion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fashion.FashionException;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.data.ImagePreprocessor;
import dev.fashion.train.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify pictures: PNG, JPEG, GIF or BMP of any size and colour, or directories of them.",
                "Each is made to look like Fashion-MNIST first (grayscale, light on dark, cropped, fitted to 28x28).",
                "Exit code 1 if any file could not be read; the others are still classified."})
final class PredictCommand implements Callable<Integer> {
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOptions modelOptions;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files, or directories (their PNG, JPEG, GIF and BMP files).")
    List<Path> images;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Show the K most probable classes (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "One JSON object per line per image: {\"file\", \"top\": [{\"index\", \"class\", \"probability\"}]} or {\"file\", \"error\"}.")
    boolean json;

    @Mixin
    RuntimeOptions runtime;

    @Spec
    CommandSpec spec;

    /** One input: its preprocessed pixels, or why it has none. */
    private record Input(Path file, byte[] pixels, String error) {
    }

    @Override
    public Integer call() {
        if (top < 1) throw new FashionException("--top: expected at least 1, got " + top);
        RunConfig cfg = modelOptions.config();
        List<Input> inputs = new ArrayList<>();
        for (Path p : images) inputs.addAll(expand(p));
        try (RuntimeOptions.Runtime rt = runtime.open()) {
            Predictor predictor = modelOptions.predictor(cfg, rt.kernels());
            List<Input> ok = inputs.stream().filter(i -> i.error() == null).toList();
            float[] probs = ok.isEmpty() ? new float[0] : predictor.probabilities(dataset(ok));
            int classes = predictor.classes();
            List<String> names = ModelOptions.classNames(classes);
            PrintWriter err = spec.commandLine().getErr();
            int row = 0;
            boolean failed = false;
            for (Input in : inputs) {
                if (in.error() != null) {
                    failed = true;
                    if (json) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("file", in.file().toString());
                        line.put("error", in.error());
                        System.out.println(toJson(line));
                    }
                    if (!json) err.println("error: " + in.error());
                    continue;
                }
                int[] rank = Predictor.ranking(probs, row, classes);
                int k = Math.min(top, classes);
                if (json) {
                    List<Map<String, Object>> best = new ArrayList<>();
                    for (int j = 0; j < k; j++) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("index", rank[j]);
                        m.put("class", names.get(rank[j]));
                        // Float's shortest decimal, not the double expansion of a float (0.93 not 0.9300000071525574).
                        m.put("probability", Double.parseDouble(Float.toString(probs[row * classes + rank[j]])));
                        best.add(m);
                    }
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("file", in.file().toString());
                    line.put("top", best);
                    System.out.println(toJson(line));
                } else {
                    StringBuilder sb = new StringBuilder(in.file().toString()).append(':');
                    for (int j = 0; j < k; j++) {
                        sb.append(j == 0 ? " " : ", ").append(names.get(rank[j]))
                                .append(String.format(Locale.ROOT, " %.1f%%", 100 * probs[row * classes + rank[j]]));
                    }
                    System.out.println(sb);
                }
                row++;
            }
            err.flush();
            System.out.flush();
            return failed ? 1 : 0;
        }
    }

    /** A file, or a directory's image files in name order; unreadable ones carry their error. */
    private static List<Input> expand(Path p) {
        if (!Files.isDirectory(p)) return List.of(read(p));
        List<Path> files;
        try (Stream<Path> s = Files.list(p)) {
            files = s.filter(f -> Files.isRegularFile(f) && EXTENSIONS.contains(extension(f))).sorted().toList();
        } catch (IOException e) {
            return List.of(new Input(p, null, p + ": cannot list the directory: " + e.getMessage()));
        }
        if (files.isEmpty()) return List.of(new Input(p, null, p + ": no PNG, JPEG, GIF or BMP files in this directory"));
        return files.stream().map(PredictCommand::read).toList();
    }

    private static Input read(Path file) {
        try {
            return new Input(file, ImagePreprocessor.read(file), null);
        } catch (FashionException e) {
            return new Input(file, null, e.getMessage());
        }
    }

    private static String extension(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The preprocessed images as an unlabelled dataset, so they are normalised exactly as in training. */
    static ImageDataset dataset(List<byte[]> images, String name) {
        int size = ImagePreprocessor.SIZE;
        byte[] pixels = new byte[images.size() * size * size];
        for (int i = 0; i < images.size(); i++) System.arraycopy(images.get(i), 0, pixels, i * size * size, size * size);
        return new ImageDataset(name, images.size(), size, size, pixels, new byte[images.size()]);
    }

    private static ImageDataset dataset(List<Input> ok) {
        return dataset(ok.stream().map(Input::pixels).toList(), "images");
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
