package io.nodecache.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Dockerfile read into its stages and instructions: comments dropped, continued lines joined.
 * Enough of the format for the checks of the image's layout, not a general parser.
 */
record Dockerfile(List<Stage> stages) {

    static final Path PATH = Path.of("Dockerfile");

    /** One {@code FROM} and what follows it; {@code name} is its {@code AS} name or null. */
    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    /** An instruction: its keyword upper-cased and the rest of its (joined) line. */
    record Instruction(String keyword, String args) {

        /** The words of a JSON-array form ({@code ["a", "b"]}). */
        List<String> jsonArray() {
            String s = args.strip();
            if (!s.startsWith("[") || !s.endsWith("]")) {
                throw new IllegalStateException(keyword + " is not in the JSON-array form: " + args);
            }
            List<String> out = new ArrayList<>();
            Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(s);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }

        /** The words of a shell-form line split on blanks, flags ({@code --from=...}) included. */
        List<String> words() {
            return List.of(args.strip().split("\\s+"));
        }
    }

    static Dockerfile read() throws IOException {
        return parse(Files.readString(PATH));
    }

    static Dockerfile parse(String text) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && current.isEmpty())) {
                continue;    // comments (and the syntax directive), also between continued lines
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            if (!current.toString().isBlank()) {
                logical.add(current.toString().strip());
            }
            current.setLength(0);
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> instructions = null;
        for (String l : logical) {
            String[] kv = l.split("\\s+", 2);
            Instruction in = new Instruction(kv[0].toUpperCase(), kv.length > 1 ? kv[1] : "");
            if (in.keyword().equals("FROM")) {
                List<String> w = in.words();
                String name = w.size() >= 3 && w.get(1).equalsIgnoreCase("AS") ? w.get(2) : null;
                instructions = new ArrayList<>();
                stages.add(new Stage(w.get(0), name, instructions));
            } else if (instructions == null) {
                throw new IllegalStateException("instruction before the first FROM: " + l);
            } else {
                instructions.add(in);
            }
        }
        return new Dockerfile(stages);
    }

    Stage last() {
        return stages.get(stages.size() - 1);
    }

    /** The stage the last one is built from, followed through {@code FROM <stage name>}: the external base image. */
    String runtimeBaseImage() {
        String image = last().image();
        for (int hops = 0; hops < stages.size(); hops++) {
            String current = image;
            Stage named = stages.stream().filter(s -> current.equals(s.name())).findFirst().orElse(null);
            if (named == null) {
                return image;
            }
            image = named.image();
        }
        throw new IllegalStateException("FROM cycle at " + image);
    }

    /** The instructions of the final image: those of its own stage and of the stages it is built FROM. */
    List<Instruction> runtimeInstructions(String keyword) {
        List<Instruction> out = new ArrayList<>();
        Stage s = last();
        while (s != null) {
            out.addAll(0, s.all(keyword));
            String parent = s.image();
            s = stages.stream().filter(x -> parent.equals(x.name())).findFirst().orElse(null);
        }
        return out;
    }
}
