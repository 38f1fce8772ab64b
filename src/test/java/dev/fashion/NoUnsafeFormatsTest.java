package dev.fashion;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No Java serialization and no class names taken from input: a source scan, so a change that adds either
 * has to be looked at. The one reflective load is the vector kernels' fixed class name.
 */
class NoUnsafeFormatsTest {
    private static final Pattern UNSAFE = Pattern.compile("ObjectInputStream|ObjectOutputStream|implements\\s+Serializable"
            + "|readObject|readResolve|DefaultTyping|JsonTypeInfo|JsonSubTypes|Class\\.forName|loadClass|XMLDecoder");

    @Test
    void mainSourcesUseNoSerializationOrDynamicClassNames() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    // The two constant names KernelProvider loads once the Vector API module is known present.
                    if (UNSAFE.matcher(line).find() && !line.contains("Class.forName(VECTOR_CLASS)")
                            && !line.contains("Class.forName(VECTOR_CONV_CLASS)")) {
                        found.add(f + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
