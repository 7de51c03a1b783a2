#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# poise-server on loopback, each part against a reference measured in the
# same run:
#  (a) GET /health and GET /changes?limit=100 with wrk (2 threads, 50
#      connections): requests/s and p99, against nginx (one worker) serving
#      a static file of the same size.  Target >= 0.5x nginx.
#  (b) acknowledged durable writes/s from 64 concurrent clients, against a
#      plain C loop doing the same SQLite writes (WAL, synchronous=FULL, one
#      transaction each).  Target >= 0.5x.
#  (d) 1,000 live sockets: time from a write until all are poked (p99
#      target <= 1 s) and the server's RSS (target <= 100 MiB).
# Each part takes under 20 s.  Needs wrk and nginx (make bench-deps).

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-build}
case $builddir in
  /*) ;;
  *) builddir=$root/$builddir ;;
esac
server=$builddir/src/server/poise-server
bench=$builddir/bench/bench-server
seconds=${POISE_BENCH_SECONDS:-4}

for f in "$server" "$bench"; do
  [ -x "$f" ] || { echo "$f not built: run 'make build'"; exit 1; }
done
for p in wrk nginx; do
  command -v $p >/dev/null || [ -x /usr/sbin/$p ] || { echo "$p missing: run 'make bench-deps'"; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d "${TMPDIR:-/tmp}/poise-bench-server.XXXXXX") || exit 1
server_pid=
nginx_started=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$nginx_started" ] && "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ulimit -n "$(ulimit -Hn)" 2>/dev/null

start_server() {
  rm -f "$work"/server.db*
  "$server" user add bench --role agent --db "$work/server.db" >"$work/token" 2>/dev/null || exit 1
  token=$(cat "$work/token")
  "$server" serve --db "$work/server.db" --port 0 >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 50); do
    grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
    sleep 0.1
  done
  port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$work/server.out")
  [ -n "$port" ] || { echo "poise-server did not start"; cat "$work/server.err"; exit 1; }
  base=http://127.0.0.1:$port/api/v1
}

stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wrk: prints "REQ_PER_S P99_MS"
run_wrk() {
  local url=$1; shift
  wrk -t2 -c50 -d"${seconds}s" --latency "$@" "$url" >"$work/wrk.out" 2>&1
  /usr/bin/python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
m = re.search(r'99%\s+([\d.]+)(us|ms|s)\b', text)
p99 = float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]
errors = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
if errors:
    sys.exit('wrk: %s non-2xx responses' % errors.group(1))
print(f'{rps:.0f} {p99:.2f}')
PY
}

ratio() { /usr/bin/python3 -c "print(f'{$1/$2:.2f}')"; }

# (a) reads ---------------------------------------------------------------
echo "== (a) reads: poise-server vs nginx static file of the same size (wrk -t2 -c50 -d${seconds}s)"
start_server
"$bench" writes "$base" "$token" 1 8 >/dev/null 2>&1   # some changes to page through
curl -s "$base/health" >"$work/health.json"
curl -s -H "Authorization: Bearer $token" "$base/changes?since=0&limit=100" >"$work/changes.json"

nginx_port=$(free_port)
mkdir -p "$work/nginx/html" "$work/nginx/logs"
cp "$work/health.json" "$work/nginx/html/health"
cp "$work/changes.json" "$work/nginx/html/changes"
# nginx's worker runs as an unprivileged user when started as root.
chmod 711 "$work" "$work/nginx"
chmod -R a+rX "$work/nginx/html"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon on;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/html;
  }
}
NGINX
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" || exit 1
nginx_started=1

read -r n_rps n_p99 < <(run_wrk "http://127.0.0.1:$nginx_port/health") || exit 1
read -r s_rps s_p99 < <(run_wrk "$base/health") || exit 1
printf '  health  (%5d B): poise-server %6d req/s p99 %6.2f ms | nginx %6d req/s p99 %6.2f ms | ratio %s\n' \
  "$(stat -c %s "$work/health.json")" "$s_rps" "$s_p99" "$n_rps" "$n_p99" "$(ratio "$s_rps" "$n_rps")"

read -r n_rps n_p99 < <(run_wrk "http://127.0.0.1:$nginx_port/changes") || exit 1
read -r s_rps s_p99 < <(run_wrk "$base/changes?since=0&limit=100" -H "Authorization: Bearer $token") || exit 1
printf '  changes (%5d B): poise-server %6d req/s p99 %6.2f ms | nginx %6d req/s p99 %6.2f ms | ratio %s\n' \
  "$(stat -c %s "$work/changes.json")" "$s_rps" "$s_p99" "$n_rps" "$n_p99" "$(ratio "$s_rps" "$n_rps")"
stop_server

# (b) durable writes ----------------------------------------------------------
echo "== (b) durable writes: 64 clients vs a plain SQLite loop (WAL, synchronous=FULL)"
start_server
server_wps=$("$bench" writes "$base" "$token" "$seconds" 64) || exit 1
stop_server
sqlite_wps=$("$bench" sqlite "$work" "$seconds") || exit 1
echo "  poise-server $server_wps acknowledged writes/s | SQLite loop $sqlite_wps writes/s | ratio $(ratio "$server_wps" "$sqlite_wps")"

# (d) live sockets ------------------------------------------------------------
echo "== (d) 1,000 live sockets, 20 writes"
start_server
read -r p50 p99 max rss < <("$bench" live "$base" "$token" 1000 20 "$server_pid") || exit 1
echo "  poke latency p50 $p50 ms, p99 $p99 ms, max $max ms (target p99 <= 1000) | server RSS $rss MiB (target <= 100)"
stop_server
