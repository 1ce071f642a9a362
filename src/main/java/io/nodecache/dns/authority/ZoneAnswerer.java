package io.nodecache.dns.authority;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Builds the authoritative response to a query from a fixed set of zones, following the name server algorithm of
 * RFC 1034 §4.3.2.
 *
 * <p>Thread-safe: the zone list never changes, and dnsjava's {@link Zone} guards its own data, so records may be
 * added to a zone while it is being served.
 */
public final class ZoneAnswerer implements QueryHandler {

    /** The UDP payload size we advertise in our OPT record: the DNS Flag Day 2020 value. */
    public static final int EDNS_PAYLOAD = 1232;

    /** Bounds a CNAME/DNAME chain, so a loop across zones cannot spin (RFC 1034 §3.6.2 forbids loops; we survive them). */
    private static final int MAX_CHAIN = 8;

    /** RFC 6891 §6.1.3: BADVERS is extended rcode 16, whose upper 8 bits (1) travel in the OPT record. */
    private static final int BADVERS_UPPER_BITS = Rcode.BADVERS >>> 4;

    private final List<Zone> zones;

    /** Serves {@code zones}; where origins nest, the deepest zone answers for its names. */
    public ZoneAnswerer(Collection<Zone> zones) {
        List<Zone> sorted = new ArrayList<>(zones);
        sorted.sort(Comparator.comparingInt((Zone z) -> z.getOrigin().labels()).reversed());
        this.zones = List.copyOf(sorted);
    }

    /** The zones served, deepest origin first. */
    public List<Zone> zones() {
        return zones;
    }

    @Override
    public CompletionStage<Message> handle(Message query, Transport transport) {
        return CompletableFuture.completedFuture(answer(query));
    }

    /** Returns the response to {@code query}; never null, never throws for any parsed message. */
    public Message answer(Message query) {
        Header qh = query.getHeader();
        Message response = new Message(qh.getID());
        Header rh = response.getHeader();
        rh.setFlag(Flags.QR);
        rh.setOpcode(qh.getOpcode());
        // RFC 1035 §4.1.1: RD is copied into the response; RFC 4035 §3.1.6: so is CD.
        if (qh.getFlag(Flags.RD)) {
            rh.setFlag(Flags.RD);
        }
        if (qh.getFlag(Flags.CD)) {
            rh.setFlag(Flags.CD);
        }
        int questions = qh.getCount(Section.QUESTION);
        if (qh.getOpcode() != Opcode.QUERY) {
            if (questions == 1) {
                response.addRecord(query.getQuestion(), Section.QUESTION);
            }
            return finish(query, response, Rcode.NOTIMP);
        }
        if (questions != 1) {
            // RFC 9619: a QUERY carries exactly one question; anything else is a format error.
            return finish(query, response, Rcode.FORMERR);
        }
        Record question = query.getQuestion();
        // The question is echoed as received, so the client sees its own 0x20 case pattern (RFC 4343 §4.1).
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        if (opt != null && opt.getVersion() > 0) {
            return finish(query, response, Rcode.BADVERS);
        }
        int type = question.getType();
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY
                || type == Type.AXFR || type == Type.IXFR) {
            // Our zones are IN only, and zone transfers are not offered (RFC 5936 §4.2 allows refusing them).
            return finish(query, response, Rcode.REFUSED);
        }
        Zone zone = zoneFor(question.getName());
        if (zone == null) {
            // RFC 1034 §4.3.2 step 2 would refer the client on; a server with no root hints refuses instead.
            return finish(query, response, Rcode.REFUSED);
        }
        rh.setFlag(Flags.AA);
        return finish(query, response, resolve(response, zone, question.getName(), type));
    }

    /** Returns the deepest zone containing {@code name}, or null when we are not authoritative for it. */
    public Zone zoneFor(Name name) {
        for (Zone zone : zones) {
            if (name.subdomain(zone.getOrigin())) {
                return zone;
            }
        }
        return null;
    }

    /** Runs RFC 1034 §4.3.2 steps 3 and 4 from {@code name}, filling {@code response}; returns the rcode. */
    private int resolve(Message response, Zone zone, Name name, int type) {
        Set<Name> seen = new HashSet<>();
        seen.add(name);
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            SetResponse sr = zone.findRecords(name, type);
            if (sr.isSuccessful()) {
                for (RRset rrset : sr.answers()) {
                    addRRset(response, rrset, Section.ANSWER);
                }
                addAdditional(response);
                return Rcode.NOERROR;
            }
            if (sr.isNXDOMAIN() || sr.isNXRRSET()) {
                // RFC 2308 §3: negative answers carry the zone's SOA so resolvers can cache them.
                response.addRecord(negativeSoa(zone.getSOA()), Section.AUTHORITY);
                // RFC 6604 §3: after a CNAME the rcode describes the last name in the chain.
                return sr.isNXDOMAIN() ? Rcode.NXDOMAIN : Rcode.NOERROR;
            }
            if (sr.isDelegation()) {
                referral(response, zone, sr.getNS());
                return Rcode.NOERROR;
            }
            if (sr.isCNAME()) {
                CNAMERecord cname = sr.getCNAME();
                response.addRecord(cname, Section.ANSWER);
                name = cname.getTarget();
            } else if (sr.isDNAME()) {
                DNAMERecord dname = sr.getDNAME();
                Name target;
                try {
                    target = name.fromDNAME(dname);
                } catch (NameTooLongException e) {
                    // RFC 6672 §2.2: a substitution that overflows a name is YXDOMAIN.
                    response.addRecord(dname, Section.ANSWER);
                    return Rcode.YXDOMAIN;
                }
                // RFC 6672 §3.1: send the DNAME and the CNAME synthesized from it.
                response.addRecord(dname, Section.ANSWER);
                response.addRecord(new CNAMERecord(name, dname.getDClass(), dname.getTTL(), target), Section.ANSWER);
                name = target;
            } else {
                return Rcode.SERVFAIL;
            }
            // RFC 1034 §4.3.2 step 3.a: restart with the new name; when it leaves our zones the resolver goes on.
            zone = zoneFor(name);
            if (zone == null || !seen.add(name)) {
                return Rcode.NOERROR;
            }
        }
        return Rcode.NOERROR;
    }

    /** RFC 1034 §4.3.2 step 3.b: a referral is not authoritative, names the child's servers and carries glue. */
    private void referral(Message response, Zone zone, RRset ns) {
        if (response.getSection(Section.ANSWER).isEmpty()) {
            response.getHeader().unsetFlag(Flags.AA);
        }
        addRRset(response, ns, Section.AUTHORITY);
        for (Record record : ns.rrs(false)) {
            Name target = record.getAdditionalName();
            if (target != null && target.subdomain(ns.getName())) {
                addAddresses(response, zone, target);
            }
        }
    }

    /** RFC 1034 §4.3.2 step 6: addresses for the targets of NS, MX and SRV answers (RFC 2782) we hold. */
    private void addAdditional(Message response) {
        for (Record record : response.getSection(Section.ANSWER)) {
            Name target = record.getAdditionalName();
            if (target == null) {
                continue;
            }
            Zone zone = zoneFor(target);
            if (zone != null) {
                addAddresses(response, zone, target);
            }
        }
    }

    private static void addAddresses(Message response, Zone zone, Name target) {
        for (int type : new int[] {Type.A, Type.AAAA}) {
            RRset rrset = zone.findExactMatch(target, type);
            if (rrset != null) {
                for (Record record : rrset.rrs(false)) {
                    if (!response.findRecord(record, Section.ADDITIONAL)) {
                        response.addRecord(record, Section.ADDITIONAL);
                    }
                }
            }
        }
    }

    private static void addRRset(Message response, RRset rrset, int section) {
        for (Record record : rrset.rrs(false)) {
            response.addRecord(record, section);
        }
        for (Record sig : rrset.sigs()) {
            response.addRecord(sig, section);
        }
    }

    /** RFC 2308 §3: the SOA in a negative answer lives min(SOA TTL, SOA MINIMUM) seconds. */
    static SOARecord negativeSoa(SOARecord soa) {
        long ttl = Math.min(soa.getTTL(), soa.getMinimum());
        return new SOARecord(soa.getName(), soa.getDClass(), ttl, soa.getHost(), soa.getAdmin(), soa.getSerial(),
                soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
    }

    /** Sets {@code rcode} (extended ones through the OPT record) and echoes EDNS when the query used it. */
    private static Message finish(Message query, Message response, int rcode) {
        OPTRecord queryOpt = query.getOPT();
        if (queryOpt == null) {
            response.getHeader().setRcode(rcode == Rcode.BADVERS ? Rcode.FORMERR : rcode);
            return response;
        }
        response.getHeader().setRcode(rcode & 0xF);
        // RFC 6891 §7: a server that understands EDNS answers an EDNS query with an OPT record;
        // RFC 3225 §3: the DO bit is copied from the query.
        int extended = rcode == Rcode.BADVERS ? BADVERS_UPPER_BITS : 0;
        int flags = queryOpt.getFlags() & ExtendedFlags.DO;
        response.addRecord(new OPTRecord(EDNS_PAYLOAD, extended, 0, flags), Section.ADDITIONAL);
        return response;
    }
}
