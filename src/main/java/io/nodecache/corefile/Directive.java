package io.nodecache.corefile;

import java.util.List;

/**
 * One line of a block: a name, the words after it on the same line, and the block it opens, if any.
 *
 * @param name  the directive or option name
 * @param args  the words after the name on its line
 * @param block the lines of the {@code { }} block the line opens; {@code null} when it opens none
 */
record Directive(Token name, List<Token> args, List<Directive> block) {

    Directive {
        args = List.copyOf(args);
        block = block == null ? null : List.copyOf(block);
    }

    int line() {
        return name.line();
    }

    String text() {
        return name.text();
    }
}
