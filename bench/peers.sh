#!/usr/bin/env bash
# Start/stop the upstream and the peers one by one.
#   bench/peers.sh start NAME [CPU]    NAME: upstream | unbound-t1 | unbound-t2 | dnsmasq | nodecache | nodecache-log | nodecache-chart | floor
#   bench/peers.sh stop NAME|all
#   bench/peers.sh status
# upstream = nsd on 127.0.0.1:5301; unbound-t1/-t2 on 127.0.0.1:5311 (one at a time);
# dnsmasq on 127.0.0.1:5312; nodecache/nodecache-log/nodecache-chart on 127.0.0.1:5313 (one at a time; needs the jar;
# nodecache-chart: the chart's Corefile, web 5380, metrics 5381, health 5382).
# CPU (optional) pins the daemon with taskset -c CPU.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ALL="floor nodecache-chart nodecache-log nodecache dnsmasq unbound-t2 unbound-t1 upstream"
case "${1:-}" in
    start) start_daemon "$2" "${3:-}" ;;
    stop)
        if [ "${2:-}" = all ]; then for n in $ALL; do stop_daemon "$n"; done
        else stop_daemon "$2"; fi ;;
    status)
        for n in $ALL; do
            if pid=$(pid_of "$n"); then echo "$n pid $pid port $(peer_port "$n") rss_kb $(rss_kb "$pid")"
            else echo "$n stopped"; fi
        done ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
esac
