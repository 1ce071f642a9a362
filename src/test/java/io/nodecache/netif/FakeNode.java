package io.nodecache.netif;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A JVM standing in for the node under {@code nodecache-supervisor}: it takes the node's arguments and a few of its own
 * ({@code --fake.*}), and records in {@code --fake.dir} what happened to it, so {@link SupervisorTest} can watch it.
 *
 * <ul>
 *   <li>{@code --nodecache.teardown-only=true}: the launcher in teardown mode; appends its arguments to
 *       {@code teardown.log}, one line, and exits 0.</li>
 *   <li>Otherwise writes its pid to {@code ready}, then does {@code --fake.run}: {@code exit:N} exits N,
 *       {@code oom} runs out of heap, {@code torn-down} writes the marker as the node does after its own teardown and
 *       exits 0, {@code hang} waits to be signalled.</li>
 *   <li>On SIGTERM (a shutdown hook) writes {@code got-term}, the marker if {@code --fake.term-marker=true}, and halts
 *       with {@code --fake.term-status} (default 143, a JVM's own).</li>
 * </ul>
 */
public final class FakeNode {

    private FakeNode() {}

    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        Path dir = Path.of(option(list, "fake.dir", "."));
        if (list.contains("--nodecache.teardown-only=true")) {
            Files.writeString(dir.resolve("teardown.log"), String.join("|", list) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return;
        }
        TeardownMarker marker = TeardownMarker.fromEnvironment(System.getenv());
        String run = option(list, "fake.run", "hang");
        if (run.equals("hang")) {
            boolean termMarker = Boolean.parseBoolean(option(list, "fake.term-marker", "false"));
            int termStatus = Integer.parseInt(option(list, "fake.term-status", "143"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    write(dir.resolve("got-term"), "term");
                    if (termMarker) {
                        marker.write();
                    }
                } catch (IOException e) {
                    e.printStackTrace();
                }
                Runtime.getRuntime().halt(termStatus);
            }));
        }
        write(dir.resolve("ready"), Long.toString(ProcessHandle.current().pid()));
        if (run.startsWith("exit:")) {
            System.exit(Integer.parseInt(run.substring("exit:".length())));
        } else if (run.equals("oom")) {
            List<long[]> hoard = new java.util.ArrayList<>();
            while (true) {
                hoard.add(new long[1 << 20]);
            }
        } else if (run.equals("torn-down")) {
            marker.write();
            System.exit(0);
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static String option(List<String> args, String name, String fallback) {
        String prefix = "--" + name + "=";
        return args.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst()
                .orElse(fallback);
    }

    /** Whole or not at all: the test polls for the file and must never read half of it. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
