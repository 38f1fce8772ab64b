package dev.fashion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol, with the JDK's own WebSocket client (no
 * Selenium, no extra dependency): start the browser on a free port, open a page in a fresh target,
 * record its console messages, exceptions and network requests, and evaluate JavaScript in it.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    /** The browser executable: $CHROMIUM, else chromium, chromium-browser or google-chrome on the PATH; null if none. */
    static Path find() {
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) return Path.of(env);
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static Chromium start(Path executable, Path work) throws Exception {
        Path profile = Files.createDirectories(work.resolve("chromium-profile"));
        // Flags known to work as root in a container: no sandbox, no GPU, and nothing that phones home,
        // so any network request the test sees comes from the page.
        List<String> cmd = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        List<String> lines = List.of();
        while (lines.size() < 2) {
            if (!p.isAlive()) throw new IOException("chromium exited with " + p.exitValue() + ": " + Files.readString(work.resolve("chromium.log")));
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("chromium did not open its DevTools port in " + TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(20);
            if (Files.exists(portFile)) lines = Files.readAllLines(portFile);
        }
        URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        Chromium[] self = new Chromium[1];
        Listener listener = new Listener(self);
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        self[0] = new Chromium(p, ws);
        listener.ready.complete(null);
        return self[0];
    }

    /** Receives whole messages (the socket may split them) and routes replies to their callers. */
    private static final class Listener implements WebSocket.Listener {
        private final Chromium[] owner;
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        Listener(Chromium[] owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                ready.join();
                owner[0].dispatch(message);
            }
            ws.request(1);
            return null;
        }
    }

    private void dispatch(String message) {
        try {
            JsonNode n = JSON.readTree(message);
            if (n.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
                if (f != null) f.complete(n);
            } else {
                events.add(n);
            }
        } catch (IOException e) {
            throw new IllegalStateException("not a DevTools message: " + message, e);
        }
    }

    /** Sends a command (to a page's session when {@code session} is set) and waits for its result. */
    JsonNode send(String session, String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params == null ? JSON.createObjectNode() : params);
        if (session != null) msg.put("sessionId", session);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(msg.toString(), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        JsonNode r = reply.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (r.has("error")) throw new IllegalStateException(method + ": " + r.get("error"));
        return r.path("result");
    }

    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    /** Opens {@code url} in a new tab with console, log and network events on, and waits for its load event. */
    Page open(String url, int width, int height) throws Exception {
        String target = send(null, "Target.createTarget", params().put("url", "about:blank")).get("targetId").asText();
        String session = send(null, "Target.attachToTarget", params().put("targetId", target).put("flatten", true)).get("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) send(session, domain + ".enable", null);
        send(session, "Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
        int before = events.size();
        send(session, "Page.navigate", params().put("url", url));
        await(e -> session.equals(e.path("sessionId").asText()) && e.path("method").asText().equals("Page.loadEventFired"), before);
        return new Page(session);
    }

    private void await(Predicate<JsonNode> event, int from) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            List<JsonNode> now = new ArrayList<>(events);
            for (int i = from; i < now.size(); i++) if (event.test(now.get(i))) return;
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for a DevTools event");
            Thread.sleep(10);
        }
    }

    final class Page {
        private final String session;

        Page(String session) {
            this.session = session;
        }

        /** The value of a JavaScript expression (made JSON-able by the caller). */
        JsonNode eval(String expression) throws Exception {
            JsonNode r = send(session, "Runtime.evaluate", params().put("expression", expression).put("returnByValue", true));
            if (r.has("exceptionDetails")) throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
            return r.path("result").path("value");
        }

        /** The page's events of one DevTools method (e.g. Network.requestWillBeSent). */
        List<JsonNode> events(String method) {
            return Chromium.this.events.stream().filter(e -> session.equals(e.path("sessionId").asText()) && e.path("method").asText().equals(method))
                    .map(e -> e.path("params")).toList();
        }

        /** Console errors, uncaught exceptions and browser log errors (a blocked fetch lands here too). */
        List<String> errors() {
            List<String> out = new ArrayList<>();
            for (JsonNode e : events("Runtime.consoleAPICalled")) {
                if (e.path("type").asText().equals("error") || e.path("type").asText().equals("assert")) out.add("console: " + e.path("args"));
            }
            for (JsonNode e : events("Runtime.exceptionThrown")) out.add("exception: " + e.path("exceptionDetails"));
            for (JsonNode e : events("Log.entryAdded")) {
                if (e.path("entry").path("level").asText().equals("error")) out.add("log: " + e.path("entry").path("text").asText());
            }
            return out;
        }

        void media(String media) throws Exception {
            send(session, "Emulation.setEmulatedMedia", params().put("media", media));
        }

        byte[] screenshot() throws Exception {
            String data = send(session, "Page.captureScreenshot", params().put("format", "png").put("captureBeyondViewport", true))
                    .get("data").asText();
            return java.util.Base64.getDecoder().decode(data);
        }

        byte[] pdf() throws Exception {
            String data = send(session, "Page.printToPDF", params()).get("data").asText();
            return java.util.Base64.getDecoder().decode(data);
        }
    }

    /** Ends the browser; an interrupt while waiting for it is kept for the caller, and the browser killed. */
    @Override
    public void close() {
        try {
            // No reply to wait for: the browser closes its end as it exits.
            ObjectNode msg = JSON.createObjectNode().put("id", ids.incrementAndGet()).put("method", "Browser.close");
            socket.sendText(msg.toString(), true).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception alreadyGone) {
            // Ended below either way.
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        } finally {
            socket.abort();
        }
    }
}
