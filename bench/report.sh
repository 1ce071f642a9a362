#!/usr/bin/env bash
# Prints bench/run.sh's table from its TSV files (so a stored run can be shown again):
#   bench/report.sh RESULTS.tsv [STARTS.tsv]
# Every figure is the median over the rounds; a ratio ("x ub") is the median of the per-round ratios,
# each against unbound of the same mode, workload and round (pinned: unbound-t1 on the one CPU; shared:
# unbound-t2, both CPUs), with the lowest and highest in brackets; "x floor" is cpu/q against the floor
# responder's (floor/responder.c) of the same mode, workload and round.
set -euo pipefail
TSV=$1
STARTS=${2:-}

awk -F'\t' '
    function median(list,    n, v, i, j, t) {
        n = split(list, v, " ")
        if (n == 0) return "NA"
        for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t }
        return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function lo(list,    n, v, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 < m + 0) m = v[i]; return m }
    function hi(list,    n, v, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 > m + 0) m = v[i]; return m }
    function add(arr, k, x) { if (x != "NA" && x != "") arr[k] = (k in arr) ? arr[k] " " x : x }
    function fmt(x, d) { return x == "NA" ? "-" : sprintf("%." d "f", x) }
    function ratio(list) { return list == "" ? "-" : sprintf("%.2f [%.2f-%.2f]", median(list), lo(list), hi(list)) }
    NR == 1 { next }
    {
        mode = $1; peer = $2; wl = $3; round = $31
        k = mode SUBSEP peer SUBSEP wl
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
        rounds[k]++
        qps[k, round] = $5; cpu[k, round] = $25; lcpu[k, round] = $30
        add(Q, k, $5); add(C, k, $25); add(L, k, $30); add(P50, k, $18); add(P99, k, $19); add(P999, k, $20)
        add(RSS, k, $16); lost[k] += $11 + $22; o = ($15 > $23) ? $15 : $23; if (o > other[k]) other[k] = o
        rs[k] = rs[k] " " round
    }
    END {
        printf "%-6s %-13s %-11s %2s | %7s %-16s | %6s %-16s %-17s | %6s %-16s | %-16s | %6s %6s %7s | %5s %6s %6s\n",
            "mode", "peer", "wload", "n", "QPS", "x ub", "cpu/q", "x ub", "x floor", "@lat", "x ub", "log: x nc",
            "p50ms", "p99ms", "p99.9ms", "lost", "RSSMiB", "other%"
        for (i = 1; i <= n; i++) {
            k = order[i]; split(k, p, SUBSEP)
            ub = p[1] SUBSEP (p[1] == "shared" ? "unbound-t2" : "unbound-t1") SUBSEP p[3]
            nck = p[1] SUBSEP "nodecache" SUBSEP p[3]; fl = p[1] SUBSEP "floor" SUBSEP p[3]
            rq = ""; rc = ""; rl = ""; rn = ""; rf = ""
            m = split(rs[k], rr, " ")
            for (j = 1; j <= m; j++) {
                r = rr[j]
                if (qps[ub, r] > 0) rq = rq " " qps[k, r] / qps[ub, r]
                if (cpu[ub, r] > 0 && cpu[k, r] != "NA") rc = rc " " cpu[k, r] / cpu[ub, r]
                if (cpu[fl, r] > 0 && cpu[k, r] != "NA") rf = rf " " cpu[k, r] / cpu[fl, r]
                if (lcpu[ub, r] > 0 && lcpu[k, r] != "NA" && lcpu[k, r] != "") rl = rl " " lcpu[k, r] / lcpu[ub, r]
                if (p[2] == "nodecache-log" && cpu[nck, r] > 0) rn = rn " " cpu[k, r] / cpu[nck, r]
            }
            printf "%-6s %-13s %-11s %2d | %7.0f %-16s | %6.2f %-16s %-17s | %6s %-16s | %-16s | %6s %6s %7s | %5d %6.1f %6d\n",
                p[1], p[2], p[3], rounds[k], median(Q[k]), ratio(rq), median(C[k]), ratio(rc), ratio(rf),
                fmt(median(L[k]), 2), ratio(rl), ratio(rn), fmt(median(P50[k]), 3), fmt(median(P99[k]), 3), fmt(median(P999[k]), 3),
                lost[k], median(RSS[k]) / 1024, other[k]
        }
    }' "$TSV"
echo
echo "QPS and cpu/q (server utime+stime µs per answered query) from the unlimited-rate throughput runs; rows WORKLOAD@RATE:"
echo "the same cache at that fixed rate (dnsperf -Q), cpu/q including whatever the server does besides answering;"
echo "@lat = cpu/q during the fixed-rate latency run (LAT_QPS); p50/p99/p99.9 (ms) from that run. ub = unbound-t1 (pinned), unbound-t2 (shared)."
echo "log: x nc = nodecache-log's cpu/q over nodecache's in the same round (the cost of query logging)."
if [ -n "$STARTS" ] && [ -s "$STARTS" ]; then
    awk -F'\t' 'NR > 1 { v[$2] = v[$2] " " $6 }
        END { for (p in v) printf "start to first answered query, %s: %s ms (java launched -> dig answered; per round)\n", p, v[p] }' "$STARTS" | sort
fi
