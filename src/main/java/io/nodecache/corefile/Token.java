package io.nodecache.corefile;

/**
 * One word of a Corefile with the line it starts on.
 *
 * @param text   the word, without quotes
 * @param line   1-based line of its first character
 * @param quoted whether it was written in double quotes (a quoted brace is a word, not a brace)
 */
record Token(String text, int line, boolean quoted) {

    /** Whether this is the unquoted word {@code word}. */
    boolean is(String word) {
        return !quoted && text.equals(word);
    }

    @Override
    public String toString() {
        return quoted ? '"' + text + '"' : text;
    }
}
