package io.nodecache.corefile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Corefile text into words, keeping each word's line.
 *
 * <p>As in Caddy's lexer (which CoreDNS uses): words are separated by white space, {@code #} starts a comment only at
 * the start of a word (so {@code a#b} is one word), and double quotes group a word that may hold spaces, with
 * {@code \"} for a literal quote.
 */
final class Lexer {

    private Lexer() {}

    static List<Token> tokens(String text, String source) throws CorefileException {
        List<Token> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int line = 1;
        int wordLine = 1;
        boolean inQuotes = false;
        boolean quoted = false;
        boolean inComment = false;
        int quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inComment) {
                if (c == '\n') {
                    inComment = false;
                    line++;
                }
                continue;
            }
            if (inQuotes) {
                if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    word.append('"');
                    i++;
                } else if (c == '"') {
                    inQuotes = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    word.append(c);
                }
                continue;
            }
            if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
                if (word.length() > 0 || quoted) {
                    out.add(new Token(word.toString(), wordLine, quoted));
                    word.setLength(0);
                    quoted = false;
                }
                if (c == '\n') {
                    line++;
                }
                continue;
            }
            if (c == '#' && word.length() == 0 && !quoted) {
                inComment = true;
                continue;
            }
            if (word.length() == 0 && !quoted) {
                wordLine = line;
            }
            if (c == '"') {
                inQuotes = true;
                quoted = true;
                quoteLine = line;
                continue;
            }
            word.append(c);
        }
        if (inQuotes) {
            throw new CorefileException(source, quoteLine, "unterminated quoted string");
        }
        if (word.length() > 0 || quoted) {
            out.add(new Token(word.toString(), wordLine, quoted));
        }
        return out;
    }
}
