package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class WireTest {

    static Message query(String name, int type, int dclass, int id) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass));
        m.getHeader().setID(id);
        return m;
    }

    static Message reply(String name, int type, int dclass, int id) throws Exception {
        Message m = query(name, type, dclass, id);
        m.getHeader().setFlag(Flags.QR);
        return m;
    }

    static Stream<Arguments> replies() throws Exception {
        Message noQuestion = reply("a.example.", Type.A, DClass.IN, 7);
        noQuestion.removeAllRecords(Section.QUESTION);
        Message notResponse = query("a.example.", Type.A, DClass.IN, 7);
        // a reply whose question name is a compression pointer into its answer, legal if odd
        byte[] compressed = reply("a.example.", Type.A, DClass.IN, 7).toWire();
        return Stream.of(
                Arguments.of("same question", reply("a.example.", Type.A, DClass.IN, 7).toWire(), true),
                Arguments.of("name in other case (0x20)", reply("A.ExAmPle.", Type.A, DClass.IN, 7).toWire(), true),
                Arguments.of("no question (FORMERR style)", noQuestion.toWire(), true),
                Arguments.of("wrong id", reply("a.example.", Type.A, DClass.IN, 8).toWire(), false),
                Arguments.of("other name", reply("spoof.a.example.", Type.A, DClass.IN, 7).toWire(), false),
                Arguments.of("shorter name", reply("example.", Type.A, DClass.IN, 7).toWire(), false),
                Arguments.of("other type", reply("a.example.", Type.AAAA, DClass.IN, 7).toWire(), false),
                Arguments.of("other class", reply("a.example.", Type.A, DClass.CH, 7).toWire(), false),
                Arguments.of("not a response", notResponse.toWire(), false),
                Arguments.of("header only", java.util.Arrays.copyOf(compressed, 11), false),
                Arguments.of("cut in the question", java.util.Arrays.copyOf(compressed, 20), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void answersChecksIdAndQuestion(String name, byte[] reply, boolean expected) throws Exception {
        byte[] query = query("a.example.", Type.A, DClass.IN, 7).toWire();
        assertEquals(expected, Wire.answers(query, query.length, reply, reply.length));
    }

    static Stream<Arguments> unpacking() throws Exception {
        Message full = reply("a.example.", Type.A, DClass.IN, 7);
        full.addRecord(Record.fromString(Name.fromString("a.example."), Type.A, DClass.IN, 30, "192.0.2.1",
                Name.root), Section.ANSWER);
        byte[] wire = full.toWire();
        byte[] noQuestionGarbage = new byte[40];
        noQuestionGarbage[0] = 0;
        noQuestionGarbage[1] = 7;
        noQuestionGarbage[2] = (byte) 0x80;
        noQuestionGarbage[7] = 9; // ANCOUNT 9, no bytes behind the header to hold them
        byte[] trailing = java.util.Arrays.copyOf(wire, wire.length + 3);
        return Stream.of(
                Arguments.of("whole answer", wire, true),
                Arguments.of("trailing bytes (tolerated, as miekg/dns does)", trailing, true),
                Arguments.of("answer cut short", java.util.Arrays.copyOf(wire, wire.length - 2), false),
                Arguments.of("counts beyond the data, no question", noQuestionGarbage, false));
    }

    /** Regression: garbage with the right ID and QDCOUNT 0 passed {@link Wire#answers} and was taken as the reply. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unpacking")
    void wellFormedRepliesOnlyWhenEveryCountedRecordIsThere(String name, byte[] reply, boolean expected) {
        assertEquals(expected, Wire.wellFormed(new io.nodecache.dns.wire.RecordWalker(), reply, reply.length));
    }

    @org.junit.jupiter.api.Test
    void followsCompressionPointerInReplyQuestion() throws Exception {
        byte[] query = query("a.example.", Type.A, DClass.IN, 7).toWire();
        // header, then a question whose name points at a copy of "a.example." placed after it
        byte[] name = Name.fromString("a.example.").toWireCanonical();
        byte[] reply = new byte[12 + 2 + 4 + name.length];
        System.arraycopy(query, 0, reply, 0, 12);
        reply[2] |= (byte) 0x80;
        int target = 12 + 2 + 4;
        reply[12] = (byte) (0xc0 | (target >> 8));
        reply[13] = (byte) target;
        reply[15] = (byte) Type.A;
        reply[17] = (byte) DClass.IN;
        System.arraycopy(name, 0, reply, target, name.length);
        assertEquals(true, Wire.answers(query, query.length, reply, reply.length));
    }

    @org.junit.jupiter.api.Test
    void healthCheckQueryIsRootNsWithRecursionDesired() throws Exception {
        Message check = new Message(Wire.healthCheckQuery(0x1234));
        assertEquals(0x1234, check.getHeader().getID());
        assertEquals(true, check.getHeader().getFlag(Flags.RD));
        assertEquals(Name.root, check.getQuestion().getName());
        assertEquals(Type.NS, check.getQuestion().getType());
        assertEquals(DClass.IN, check.getQuestion().getDClass());
    }
}
