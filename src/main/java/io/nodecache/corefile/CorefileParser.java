package io.nodecache.corefile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a node-local-dns Corefile into a {@link NodeConfig}, after substituting the {@code __PILLAR__*} values.
 *
 * <p>Only the directives node-local-dns uses are understood ({@code errors}, {@code log}, {@code loop},
 * {@code reload}, {@code bind}, {@code health}, {@code prometheus}, {@code cache}, {@code forward}), with CoreDNS's
 * defaults and limits. Anything else is an error naming the file and line, so a Corefile that CoreDNS would read
 * differently never starts silently.
 */
public final class CorefileParser {

    private CorefileParser() {}

    /**
     * Parses {@code text}.
     *
     * @param text    the Corefile, possibly holding {@code __PILLAR__*} placeholders
     * @param source  where it came from (a path or resource name), for messages
     * @param pillars the placeholder values; {@link PillarValues#none()} when the text has none
     * @return the server blocks in file order
     * @throws CorefileException naming {@code source} and the line at fault
     */
    public static NodeConfig parse(String text, String source, PillarValues pillars) throws CorefileException {
        String substituted = pillars.substitute(text, source);
        Args args = new Args(source);
        List<Structure.RawBlock> raw = Structure.parse(Lexer.tokens(substituted, source), source);
        if (raw.isEmpty()) {
            throw new CorefileException(source, 1, "no server blocks");
        }
        ServerBlockReader reader = new ServerBlockReader(args);
        List<ServerBlock> blocks = new ArrayList<>();
        Map<String, Integer> served = new HashMap<>();
        for (Structure.RawBlock rb : raw) {
            ServerBlock block = reader.read(rb);
            for (String zone : block.zones()) {
                String key = zone + ":" + block.port();
                Integer earlier = served.putIfAbsent(key, block.line());
                if (earlier != null) {
                    throw new CorefileException(source, block.line(),
                            "cannot serve " + key + " multiple times (also served by the block on line " + earlier + ")");
                }
            }
            blocks.add(block);
        }
        return new NodeConfig(source, blocks);
    }
}
