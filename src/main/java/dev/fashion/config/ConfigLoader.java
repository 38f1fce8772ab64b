package dev.fashion.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fashion.FashionException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads a run config from YAML or JSON (chosen by the file name: .json is JSON, anything else YAML,
 * which also accepts JSON). Strict: unknown fields, duplicate keys, wrong types and out-of-range values
 * are errors that name the file, line, column and field.
 */
public final class ConfigLoader {
    /** The reference model, bundled in the jar from {@code configs/mlp.yaml}. */
    public static final String DEFAULT_RESOURCE = "/configs/mlp.yaml";
    public static final String DEFAULT_NAME = "configs/mlp.yaml (bundled)";
    /** Configs are small; a bigger file is a mistake (or an attack), not a config. */
    static final long MAX_BYTES = 1 << 20;

    private static final ObjectMapper YAML = configure(YAMLMapper.builder(
            YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build()).build());
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());

    private ConfigLoader() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        // Quoted scalars stay strings: "5" is not a number, "true" not a boolean.
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** The bundled reference config. */
    public static RunConfig loadDefault() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("bundled " + DEFAULT_RESOURCE + " missing from the jar");
            return parse(in.readAllBytes(), DEFAULT_NAME, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled " + DEFAULT_RESOURCE, e);
        }
    }

    /** Reads {@code file}: the default config when null. */
    public static RunConfig load(Path file) {
        if (file == null) return loadDefault();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new FashionException(file + ": is a directory, expected a YAML or JSON config file");
            if (Files.size(file) > MAX_BYTES) throw new FashionException(file + ": too large for a config (" + Files.size(file) + " bytes)");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FashionException(file + ": config file not found");
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read config: " + e.getMessage(), e);
        }
        return parse(bytes, file.toString(), file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"));
    }

    /** Parses config text; {@code source} names it in errors. */
    public static RunConfig parse(byte[] bytes, String source, boolean json) {
        try {
            ObjectMapper mapper = json ? JSON : YAML;
            RunConfig config = mapper.readValue(bytes, RunConfig.class);
            if (config == null) throw new FashionException(source + ": the config is empty");
            config.locations(locations(mapper, bytes, source));
            try {
                config.checkCombinations();
            } catch (IllegalStateException e) {
                throw new FashionException(e.getMessage());
            }
            return config;
        } catch (JsonProcessingException e) {
            throw new FashionException(describe(e, source), e);
        } catch (IOException e) {
            throw new FashionException(source + ": cannot read config: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Malformed input that the parser reports in some other way: still the user's file.
            if (e instanceof FashionException f) throw f;
            throw new FashionException(source + ": invalid config: " + e, e);
        }
    }

    /** "source:line:col" of every field name in the file, by dotted path ("data.validation", "model.layers[0].type"). */
    private static java.util.Map<String, String> locations(ObjectMapper mapper, byte[] bytes, String source) throws IOException {
        java.util.Map<String, String> at = new java.util.HashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(bytes)) {
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != com.fasterxml.jackson.core.JsonToken.FIELD_NAME) continue;
                StringBuilder path = new StringBuilder();
                for (String seg : p.getParsingContext().pathAsPointer().toString().substring(1).split("/", -1)) {
                    String name = seg.replace("~1", "/").replace("~0", "~");
                    if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && path.length() > 0) {
                        path.append('[').append(name).append(']');
                    } else {
                        if (path.length() > 0) path.append('.');
                        path.append(name);
                    }
                }
                JsonLocation loc = p.currentTokenLocation();
                at.putIfAbsent(path.toString(), source + ":" + loc.getLineNr() + ":" + loc.getColumnNr());
            }
        }
        return at;
    }

    /** The config as YAML, as written into a run directory. */
    public static String toYaml(RunConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The config as JSON. */
    public static String toJson(RunConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deep copy, through the same strict parser. */
    public static RunConfig copy(RunConfig config) {
        return parse(toJson(config).getBytes(java.nio.charset.StandardCharsets.UTF_8), "config", true);
    }

    /** "file:line:col: field.path: what is wrong". */
    static String describe(JsonProcessingException e, String source) {
        StringBuilder sb = new StringBuilder(source);
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) sb.append(':').append(loc.getLineNr()).append(':').append(loc.getColumnNr());
        sb.append(": ");
        String path = e instanceof JsonMappingException m ? path(m) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            sb.append("unknown field '").append(u.getPropertyName()).append('\'');
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            if (!parent.isEmpty()) sb.append(" in ").append(parent);
            if (!known.isEmpty()) sb.append(" (expected one of: ").append(known).append(')');
            return sb.toString();
        }
        if (!path.isEmpty()) sb.append(path).append(": ");
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof IllegalArgumentException || root instanceof FashionException) {
            sb.append(root.getMessage());
        } else if (e instanceof InvalidFormatException f) {
            sb.append("expected ").append(typeName(f.getTargetType())).append(", got '").append(f.getValue()).append('\'');
        } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            sb.append("expected ").append(typeName(mi.getTargetType())).append(" here");
        } else {
            String message = e.getOriginalMessage() != null ? e.getOriginalMessage() : root.getMessage();
            sb.append(message == null ? "invalid value (" + root.getClass().getSimpleName() + ")"
                    : message.lines().findFirst().orElse("invalid value"));
        }
        return sb.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "a whole number";
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) return "a number";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (java.util.List.class.isAssignableFrom(type)) return "a list";
        return "a " + type.getSimpleName().replace("Config", "").toLowerCase(Locale.ROOT) + " section";
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
