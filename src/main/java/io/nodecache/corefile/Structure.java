package io.nodecache.corefile;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups Corefile words into server blocks and directive lines, checking only braces.
 *
 * <p>A directive is a name plus the words that follow on the same line; an opening brace at the end of the line
 * opens its block, and a closing brace closes the innermost open block. Meaning is left to
 * {@link ServerBlockReader}.
 */
final class Structure {

    /**
     * A server block before interpretation.
     *
     * @param keys  the words before its opening brace
     * @param body  its lines
     */
    record RawBlock(List<Token> keys, List<Directive> body) {}

    /**
     * Deepest nesting read: a Corefile needs two (a server block, a directive's options), and the reader names
     * what is wrong with a third. Past this a brace is an error at once, so a file of thousands of open braces
     * cannot exhaust the parser's stack.
     */
    static final int MAX_DEPTH = 8;

    private final List<Token> tokens;
    private final String source;
    private int next;
    private int depth;

    private Structure(List<Token> tokens, String source) {
        this.tokens = tokens;
        this.source = source;
    }

    static List<RawBlock> parse(List<Token> tokens, String source) throws CorefileException {
        return new Structure(tokens, source).serverBlocks();
    }

    private List<RawBlock> serverBlocks() throws CorefileException {
        List<RawBlock> blocks = new ArrayList<>();
        while (next < tokens.size()) {
            List<Token> keys = new ArrayList<>();
            Token brace = null;
            while (next < tokens.size()) {
                Token t = tokens.get(next++);
                if (t.is("{")) {
                    brace = t;
                    break;
                }
                if (t.is("}")) {
                    throw fail(t, "unexpected '}': no block is open");
                }
                keys.add(t);
            }
            if (brace == null) {
                throw fail(keys.get(0), "server block key '" + keys.get(0).text() + "' is not followed by '{'");
            }
            if (keys.isEmpty()) {
                throw fail(brace, "'{' without a server block key before it");
            }
            Token lastKey = keys.get(keys.size() - 1);
            if (lastKey.line() != brace.line()) {
                // Caddy would read the key line as a block without braces; we insist on the usual layout.
                throw fail(brace, "'{' must end the line of the server block key '" + lastKey.text() + "'");
            }
            blocks.add(new RawBlock(keys, body(brace)));
        }
        return blocks;
    }

    /** Reads lines up to the closing brace that matches {@code open}. */
    private List<Directive> body(Token open) throws CorefileException {
        List<Directive> lines = new ArrayList<>();
        while (next < tokens.size()) {
            Token name = tokens.get(next++);
            if (name.is("}")) {
                return lines;
            }
            if (name.is("{")) {
                throw fail(name, "unexpected '{': a block must be opened at the end of a directive line");
            }
            List<Token> args = new ArrayList<>();
            List<Directive> block = null;
            while (next < tokens.size() && tokens.get(next).line() == name.line()) {
                Token t = tokens.get(next);
                if (t.is("}")) {
                    break; // "}" closing the enclosing block on the same line; the outer loop consumes it
                }
                next++;
                if (t.is("{")) {
                    if (next < tokens.size() && tokens.get(next).line() == t.line() && !tokens.get(next).is("}")) {
                        throw fail(t, "'{' must end the line of '" + name.text() + "'");
                    }
                    if (depth >= MAX_DEPTH) {
                        throw fail(t, "blocks nest more than " + MAX_DEPTH + " deep");
                    }
                    depth++;
                    block = body(t);
                    depth--;
                    break;
                }
                args.add(t);
            }
            lines.add(new Directive(name, args, block));
        }
        throw fail(open, "missing '}' for the block opened on this line");
    }

    private CorefileException fail(Token at, String message) {
        return new CorefileException(source, at.line(), message);
    }
}
