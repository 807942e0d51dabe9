#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
#
# Runs the curing benchmarks against their epoll peers and writes the report.
#
#   bench/run.sh [quick|full]
#
# quick: a handful of points, 3 runs each, short durations (about 75 s).
# full:  the whole sweep, 10 runs per point (about 70 minutes).
#
# What runs (each comparison interleaved: A, B, C, A, B, C, ...):
#   echo   echo_client against echo_epoll, echo_curing_plain, echo_curing_tuned
#          and echo_liburing_tuned (built only where liburing is found)
#          over N connections x P messages in flight x L bytes, and the
#          scale point (10,000 connections, 8 in flight, 64 B);
#          then one counting run per point and server with the kernel's
#          syscall counters on (-S), kept apart from the timed runs;
#   latency  echo_client -r (a fixed rate, percentiles from each message's
#          due time) at 25/50/75% of epoll's closed-loop rate at LAT_POINT
#          (N:L, one message in flight: one write per message, as paced
#          sends cost), against epoll, curing plain and curing tuned;
#   http   wrk --latency against http_epoll and http_curing at 1, 64, 256 connections;
#   pipe   pipe_pingpong -m epoll / -m curing;
#   micro  the nop and file benchmarks, when built, as they are;
#   split  bench/cpu_split.py: each echo server's CPU per round trip, split
#          into the TCP/IP stack and the interface by perf samples, at
#          256 connections and (full mode) at the 10,000 scale point.
# Server (or first process) on CPU 0, client on CPU 1 (SERVER_CPU, CLIENT_CPU).
#
# Output: CSV per benchmark and env.txt in $OUT, then bench/report.py writes
# the Markdown report and gnuplot charts beside the CSVs.  Nothing tracked by
# git is written unless asked: PUBLISH=1 with full mode puts the CSVs in
# bench/results/full/, the report in docs/benchmarks-network.md and the
# charts in docs/img/.  OUT defaults to $BUILD_DIR/bench-results/<mode>.
# The benchmarks are a release build of their own (build-bench).
#
# Environment overrides: BUILD_DIR, OUT, REPORT_DIR, IMG_DIR, RUNS, DUR,
# ECHO_N, ECHO_P, ECHO_L, ECHO_POINTS, SCALE_POINTS, SRC_ADDRS, LAT_POINT, LAT_FRACS, HTTP_C, PIPE_POINTS, SKIP
# (space-separated subset of "echo latency http pipe micro split count"),
# SERVER_CPU, CLIENT_CPU.
set -u -o pipefail

MODE=${1:-quick}
case "$MODE" in
quick | full) ;;
*)
	echo "usage: $0 [quick|full]" >&2
	exit 2
	;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$PWD/$BUILD_DIR ;; esac   # the file benchmark runs after a cd
BIN=$BUILD_DIR/bench
PUBLISH=${PUBLISH:-0}
if [ "$MODE" = full ] && [ "$PUBLISH" = 1 ]; then
	OUT=${OUT:-$ROOT/bench/results/full}
else
	OUT=${OUT:-$BUILD_DIR/bench-results/$MODE}
fi
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
SKIP=${SKIP:-}

if [ "$MODE" = full ]; then
	RUNS=${RUNS:-10}
	DUR=${DUR:-2}
	WARM_MS=200
	ECHO_N=${ECHO_N:-"1 16 64 256 1000"}
	ECHO_P=${ECHO_P:-"1 8"}
	ECHO_L=${ECHO_L:-"64 512 4096"}
	ECHO_POINTS=${ECHO_POINTS:-}
	# Beyond the sweep: the scale point, 10,000 connections at the target's
	# P and L (the sweep's 256 and 1,000 are the points it is read against)
	SCALE_POINTS=${SCALE_POINTS:-"10000:8:64"}
	HTTP_C=${HTTP_C:-"1 64 256"}
	LAT_POINT=${LAT_POINT:-"16:64"}
	LAT_FRACS=${LAT_FRACS:-"25 50 75"}
	PIPE_POINTS=${PIPE_POINTS:-"1:64 64:64 1:1024 64:1024"}
	COUNT_DUR=1
	if [ "$PUBLISH" = 1 ]; then
		REPORT_DIR=${REPORT_DIR:-$ROOT/docs}
		IMG_DIR=${IMG_DIR:-$ROOT/docs/img}
	else
		REPORT_DIR=${REPORT_DIR:-$OUT}
		IMG_DIR=${IMG_DIR:-$OUT}
	fi
else
	RUNS=${RUNS:-3}
	DUR=${DUR:-0.5}
	WARM_MS=100
	ECHO_N=${ECHO_N:-}
	ECHO_P=${ECHO_P:-}
	ECHO_L=${ECHO_L:-}
	# N:P:L triples: the target point and a low-concurrency one
	ECHO_POINTS=${ECHO_POINTS:-"16:1:64 256:8:512"}
	SCALE_POINTS=${SCALE_POINTS:-}
	HTTP_C=${HTTP_C:-"64"}
	LAT_POINT=${LAT_POINT:-"16:64"}
	LAT_FRACS=${LAT_FRACS:-"50"}
	PIPE_POINTS=${PIPE_POINTS:-"1:64"}
	COUNT_DUR=0.5
	REPORT_DIR=${REPORT_DIR:-$OUT}
	IMG_DIR=${IMG_DIR:-$OUT}
fi
# wrk takes whole seconds
HTTP_DUR=$(awk -v d="$DUR" 'BEGIN { d = int(d + 0.5); print (d < 1 ? 1 : d) }')

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
skipped() { case " $SKIP " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- tools ----------------------------------------------------------------

install_missing() {
	local need=()
	command -v wrk >/dev/null || need+=(wrk)
	command -v fio >/dev/null || need+=(fio)
	command -v gnuplot >/dev/null || need+=(gnuplot-nox)
	command -v taskset >/dev/null || need+=(util-linux)
	command -v meson >/dev/null || need+=(meson)
	command -v ninja >/dev/null || need+=(ninja-build)
	command -v python3 >/dev/null || need+=(python3)
	[ -e /usr/include/liburing.h ] || need+=(liburing-dev)
	command -v perf >/dev/null || need+=(linux-perf)
	[ ${#need[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		log "missing ${need[*]}, not root: install them or expect gaps"
		return 0
	fi
	log "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
		log "apt-get failed: continuing with what is there"
}

# The kernel's syscall counters (bench_common.h) read tracepoint ids from tracefs.
mount_tracefs() {
	[ -e /sys/kernel/tracing/events/raw_syscalls ] && return 0
	[ -e /sys/kernel/debug/tracing/events/raw_syscalls ] && return 0
	[ "$(id -u)" -eq 0 ] && mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	[ -e /sys/kernel/tracing/events/raw_syscalls ] ||
		log "tracefs not available: syscall counts will be missing"
}

TARGETS="echo_client echo_epoll echo_curing_plain echo_curing_tuned echo_liburing_tuned http_epoll http_curing pipe_pingpong nop"

build() {
	if [ ! -f "$BUILD_DIR/build.ninja" ]; then
		log "configuring $BUILD_DIR"
		meson setup "$BUILD_DIR" "$ROOT" --buildtype=release -Dtests=false -Dexamples=false >/dev/null ||
			{ log "meson setup failed"; exit 1; }
	fi
	# Build target by target, so one that does not build yet leaves the others.
	local t
	for t in $TARGETS; do
		if grep -q "^build bench/$t:" "$BUILD_DIR/build.ninja" 2>/dev/null; then
			ninja -C "$BUILD_DIR" "bench/$t" >/dev/null 2>"$OUT/build-$t.log" ||
				log "bench/$t did not build (see $OUT/build-$t.log)"
		fi
	done
	# Other benchmarks in bench/ (the file benchmark and any later ones).
	ninja -C "$BUILD_DIR" >/dev/null 2>"$OUT/build-all.log" || true
}

have() { [ -x "$BIN/$1" ]; }

# ---- environment, recorded with every row -----------------------------------

KERNEL=$(uname -r)
CORES=$(nproc)
mitigations_compact() {
	local f out=""
	for f in /sys/devices/system/cpu/vulnerabilities/*; do
		[ -r "$f" ] || continue
		local v
		v=$(cat "$f")
		case "$v" in "Not affected") continue ;; esac
		out+="$(basename "$f")=${v%%;*}|"
	done
	out=${out//,/ }
	printf '%s' "${out%|}"
}

write_env() {
	{
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "mode: $MODE runs: $RUNS duration_s: $DUR"
		echo "kernel: $(uname -srvm)"
		echo "cores: $CORES"
		echo "cpu: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
		echo "server_cpu: $SERVER_CPU client_cpu: $CLIENT_CPU"
		echo "mitigations:"
		local f
		for f in /sys/devices/system/cpu/vulnerabilities/*; do
			[ -r "$f" ] && echo "  $(basename "$f"): $(cat "$f")"
		done
	} >"$OUT/env.txt"
}

# key=value from a report line: kv KEY LINE
kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

PORT=17000
next_port() {
	PORT=$((PORT + 1))
	[ $PORT -gt 17900 ] && PORT=17001
}

# Starts a server on SERVER_CPU; sets SPID.  Args: executable and its args.
start_server() {
	taskset -c "$SERVER_CPU" "$@" >"$TMP/srv.out" 2>"$TMP/srv.err" &
	SPID=$!
}

# Stops the server, prints its report line (empty if it had none).
stop_server() {
	local i
	# TERM again every 0.1 s: one that lands between a server's check of
	# its stop flag and its next blocking wait is lost (the flag is set, the
	# wait sleeps on); the next interrupts that wait.
	for i in $(seq 50); do
		kill -TERM "$SPID" 2>/dev/null || break
		sleep 0.1
		kill -0 "$SPID" 2>/dev/null || break
	done
	kill -KILL "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	grep -m1 '^server=' "$TMP/srv.out" || true
}

ENV_COLS="kernel,cores,mitigations"
env_vals() { printf '%s,%s,%s' "$KERNEL" "$CORES" "$(mitigations_compact)"; }

# ---- echo ------------------------------------------------------------------

ECHO_CSV_HEAD="rep,kind,server,conns,depth,len,secs,client_rt,rt_per_s,server_rt,server_user_us,server_sys_us,server_vcsw,sc_total,sc_io_uring_enter,sc_epoll_wait,sc_read,sc_write,server_maxrss_kb,server_rss_base_kb,status,$ENV_COLS"

# Above this many connections the client spreads them over SRC_ADDRS
# source addresses (127.0.0.2..), so ephemeral ports do not run out.
SRC_ADDRS=${SRC_ADDRS:-8}
src_flag() { [ "$1" -gt 256 ] && echo "-s $SRC_ADDRS"; }

# echo_once REP KIND(time|count) SERVER N P L
echo_once() {
	local rep=$1 kind=$2 srv=$3 n=$4 p=$5 l=$6 dur=$DUR sflag=() status=ok
	[ "$kind" = count ] && { dur=$COUNT_DUR; sflag=(-S); }
	next_port
	start_server "$BIN/echo_$srv" -p "$PORT" -l "$l" "${sflag[@]}"
	local cl
	# shellcheck disable=SC2046 # src_flag is words by design
	cl=$(timeout 60 taskset -c "$CLIENT_CPU" "$BIN/echo_client" -p "$PORT" -n "$n" -P "$p" -l "$l" \
		-d "$dur" -w "$WARM_MS" $(src_flag "$n") 2>"$TMP/cli.err") || status=client_failed
	local sl
	sl=$(stop_server)
	[ -z "$sl" ] && status=server_failed
	if [ "$status" != ok ]; then
		log "echo $srv n=$n p=$p l=$l: $status: $(head -c 300 "$TMP/cli.err" "$TMP/srv.err" | tr '\n' ' ')"
	fi
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' \
		"$rep" "$kind" "$srv" "$n" "$p" "$l" "$(kv secs "$cl")" "$(kv rt "$cl")" "$(kv rt_per_s "$cl")" \
		"$(kv rt "$sl")" "$(kv user_us "$sl")" "$(kv sys_us "$sl")" "$(kv vcsw "$sl")" "$(kv sc_total "$sl")" \
		"$(kv sc_io_uring_enter "$sl")" "$(kv sc_epoll_wait "$sl")" "$(kv sc_read "$sl")" \
		"$(kv sc_write "$sl")" "$(kv maxrss_kb "$sl")" "$(kv rss_base_kb "$sl")" "$status" \
		"$(env_vals)" >>"$OUT/echo.csv"
}

echo_points() {
	if [ -n "$ECHO_POINTS" ]; then
		tr ' ' '\n' <<<"$ECHO_POINTS" | sed '/^$/d'
		return
	fi
	local n p l
	for p in $ECHO_P; do for l in $ECHO_L; do for n in $ECHO_N; do
		echo "$n:$p:$l"
	done; done; done
	tr ' ' '\n' <<<"$SCALE_POINTS" | sed '/^$/d'
}

run_echo() {
	local servers=() s
	for s in epoll curing_plain curing_tuned liburing_tuned; do
		have "echo_$s" && servers+=("$s") || log "echo_$s not built: left out"
	done
	have echo_client || { log "echo_client not built: echo skipped"; return; }
	echo "$ECHO_CSV_HEAD" >"$OUT/echo.csv"
	local points
	points=$(echo_points)
	local np
	np=$(wc -l <<<"$points")
	log "echo: $np points x ${#servers[@]} servers x $RUNS runs of ${DUR}s"
	local rep pt
	# Repetition outermost: every point's runs are spread over the whole
	# session, so slow drift (thermal, the neighbours) hits all servers alike.
	for rep in $(seq "$RUNS"); do
		log "echo run $rep/$RUNS"
		while IFS=: read -r n p l; do
			for s in "${servers[@]}"; do
				echo_once "$rep" time "$s" "$n" "$p" "$l"
			done
		done <<<"$points"
	done
	skipped count && return
	log "echo: syscall-counting runs (-S), ${COUNT_DUR}s each"
	while IFS=: read -r n p l; do
		for s in "${servers[@]}"; do
			echo_once 1 count "$s" "$n" "$p" "$l"
		done
	done <<<"$points"
}

# ---- latency -----------------------------------------------------------------

LAT_CSV_HEAD="rep,server,conns,len,frac,epoll_max,rate,secs,rt,rt_per_s,p50_us,p99_us,p999_us,max_us,lost,missed,late_sends,server_rt,server_user_us,server_sys_us,status,$ENV_COLS"

# Epoll's closed-loop round trips/s at N conns, one in flight, L bytes:
# the median of RUNS runs.
lat_calibrate() {
	local n=$1 l=$2 cl rates=() _
	for _ in $(seq "$RUNS"); do
		next_port
		start_server "$BIN/echo_epoll" -p "$PORT" -l "$l"
		cl=$(timeout 60 taskset -c "$CLIENT_CPU" "$BIN/echo_client" -p "$PORT" -n "$n" -P 1 -l "$l" \
			-d "$DUR" -w "$WARM_MS" 2>"$TMP/cli.err")
		stop_server >/dev/null
		rates+=("$(kv rt_per_s "$cl")")
	done
	printf '%s\n' "${rates[@]}" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END {
		if (NR) printf "%.0f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# lat_once REP SERVER N L FRAC MAX
lat_once() {
	local rep=$1 srv=$2 n=$3 l=$4 frac=$5 max=$6 status=ok
	local rate=$((max * frac / 100))
	next_port
	start_server "$BIN/echo_$srv" -p "$PORT" -l "$l"
	local cl
	cl=$(timeout 60 taskset -c "$CLIENT_CPU" "$BIN/echo_client" -p "$PORT" -n "$n" -l "$l" \
		-d "$DUR" -w "$WARM_MS" -r "$rate" 2>"$TMP/cli.err") || status=client_failed
	local sl
	sl=$(stop_server)
	[ -z "$sl" ] && status=server_failed
	[ "$status" != ok ] && log "latency $srv n=$n l=$l rate=$rate: $status: $(head -c 300 "$TMP/cli.err" | tr '\n' ' ')"
	local f row=("$rep" "$srv" "$n" "$l" "$frac" "$max" "$rate")
	for f in secs rt rt_per_s p50_us p99_us p999_us max_us lost missed late_sends; do
		row+=("$(kv "$f" "$cl")")
	done
	row+=("$(kv rt "$sl")" "$(kv user_us "$sl")" "$(kv sys_us "$sl")" "$status" "$(env_vals)")
	(IFS=,; echo "${row[*]}") >>"$OUT/latency.csv"
}

run_latency() {
	if ! have echo_client || ! have echo_epoll; then
		log "echo_client or echo_epoll not built: latency skipped"
		return
	fi
	local servers=() s n=${LAT_POINT%%:*} l=${LAT_POINT##*:}
	for s in epoll curing_plain curing_tuned; do
		have "echo_$s" && servers+=("$s")
	done
	echo "$LAT_CSV_HEAD" >"$OUT/latency.csv"
	local max
	max=$(lat_calibrate "$n" "$l")
	[ -z "$max" ] && { log "latency: calibration failed"; return; }
	log "latency: N=$n L=$l, epoll closed-loop $max rt/s; {$LAT_FRACS}% x ${#servers[@]} servers x $RUNS runs of ${DUR}s"
	local rep frac
	for rep in $(seq "$RUNS"); do
		for frac in $LAT_FRACS; do
			for s in "${servers[@]}"; do
				lat_once "$rep" "$s" "$n" "$l" "$frac" "$max"
			done
		done
	done
}

# ---- http ------------------------------------------------------------------

HTTP_CSV_HEAD="rep,server,conns,secs,requests_per_s,lat_p50_us,lat_p75_us,lat_p90_us,lat_p99_us,server_requests,server_user_us,server_sys_us,server_vcsw,status,$ENV_COLS"

# wrk prints "50%  123.45us": in microseconds
wrk_pct() {
	awk -v p="$1%" '$1 == p {
		v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		m = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : (u == "m") ? 60000000 : 0
		printf "%.1f", v * m; exit }' <<<"$2"
}

http_once() {
	local rep=$1 srv=$2 c=$3 status=ok
	next_port
	start_server "$BIN/http_$srv" -p "$PORT"
	sleep 0.1
	local out
	out=$(timeout 60 taskset -c "$CLIENT_CPU" wrk -t1 -c"$c" -d"${HTTP_DUR}s" --latency \
		"http://127.0.0.1:$PORT/" 2>&1) || status=wrk_failed
	local sl
	sl=$(stop_server)
	[ -z "$sl" ] && status=server_failed
	grep -q 'Socket errors' <<<"$out" && status="socket_errors"
	local rps
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	[ -z "$rps" ] && status=wrk_failed
	[ "$status" != ok ] && log "http $srv c=$c: $status: $(tr '\n' ' ' <<<"$out" | head -c 300)"
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$rep" "$srv" "$c" "$HTTP_DUR" "$rps" \
		"$(wrk_pct 50 "$out")" "$(wrk_pct 75 "$out")" "$(wrk_pct 90 "$out")" "$(wrk_pct 99 "$out")" \
		"$(kv requests "$sl")" "$(kv user_us "$sl")" "$(kv sys_us "$sl")" "$(kv vcsw "$sl")" "$status" \
		"$(env_vals)" \
		>>"$OUT/http.csv"
}

run_http() {
	command -v wrk >/dev/null || { log "wrk missing: http skipped"; return; }
	local servers=() s
	for s in epoll curing; do
		have "http_$s" && servers+=("$s") || log "http_$s not built: left out"
	done
	[ ${#servers[@]} -eq 0 ] && return
	echo "$HTTP_CSV_HEAD" >"$OUT/http.csv"
	log "http: connections {$HTTP_C} x ${#servers[@]} servers x $RUNS runs of ${HTTP_DUR}s"
	local rep c
	for rep in $(seq "$RUNS"); do
		for c in $HTTP_C; do
			for s in "${servers[@]}"; do
				http_once "$rep" "$s" "$c"
			done
		done
	done
}

# ---- pipe ------------------------------------------------------------------

PIPE_CSV_HEAD="rep,kind,mode,path,pairs,len,secs,rt,rt_per_s,cpu_us,user_us,sys_us,sc_total,sc_io_uring_enter,sc_epoll_wait,sc_read,sc_write,status,$ENV_COLS"

# Pipe variants: epoll; curing (multishot read where the kernel has it);
# curing_read (-R: one read job per message, the fallback path).
pipe_args() {
	case "$1" in
	curing_read) echo "-m curing -R" ;;
	*) echo "-m $1" ;;
	esac
}

pipe_once() {
	local rep=$1 kind=$2 m=$3 pairs=$4 len=$5 dur=$DUR sflag=() status=ok
	[ "$kind" = count ] && { dur=$COUNT_DUR; sflag=(-S); }
	local o
	# shellcheck disable=SC2046 # pipe_args is words by design
	o=$(timeout 60 "$BIN/pipe_pingpong" $(pipe_args "$m") -n "$pairs" -l "$len" -d "$dur" \
		-c "$SERVER_CPU,$CLIENT_CPU" "${sflag[@]}" 2>"$TMP/pipe.err") || status=failed
	[ "$status" != ok ] && log "pipe $m pairs=$pairs len=$len: failed: $(head -c 300 "$TMP/pipe.err")"
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$rep" "$kind" "$m" \
		"$(kv path "$o")" "$pairs" "$len" \
		"$(kv secs "$o")" "$(kv rt "$o")" "$(kv rt_per_s "$o")" "$(kv cpu_us "$o")" "$(kv user_us "$o")" \
		"$(kv sys_us "$o")" "$(kv sc_total "$o")" "$(kv sc_io_uring_enter "$o")" \
		"$(kv sc_epoll_wait "$o")" "$(kv sc_read "$o")" "$(kv sc_write "$o")" "$status" \
		"$(env_vals)" >>"$OUT/pipe.csv"
}

PIPE_MODES=(epoll curing curing_read)

run_pipe() {
	have pipe_pingpong || { log "pipe_pingpong not built: pipe skipped"; return; }
	echo "$PIPE_CSV_HEAD" >"$OUT/pipe.csv"
	log "pipe: points {$PIPE_POINTS} x ${#PIPE_MODES[@]} variants x $RUNS runs of ${DUR}s"
	local rep pt m
	for rep in $(seq "$RUNS"); do
		for pt in $PIPE_POINTS; do
			for m in "${PIPE_MODES[@]}"; do
				pipe_once "$rep" time "$m" "${pt%%:*}" "${pt##*:}"
			done
		done
	done
	skipped count && return
	for pt in $PIPE_POINTS; do
		for m in "${PIPE_MODES[@]}"; do
			pipe_once 1 count "$m" "${pt%%:*}" "${pt##*:}"
		done
	done
}

# ---- the other benchmarks in bench/, as they are ------------------------------

run_micro() {
	: >"$OUT/micro.txt"
	local qflag=()
	[ "$MODE" = quick ] && qflag=(--quick)
	if have nop; then
		log "nop benchmark"
		{
			echo "### nop ($(date -u +%H:%M:%SZ))"
			timeout 600 "$BIN/nop" "${qflag[@]}" 2>&1
		} >>"$OUT/micro.txt"
	fi
	# The file-read benchmark (and any other the others add) follow the same
	# convention: an executable in bench/ taking --quick, printing its own lines.
	local f
	for f in "$BIN"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		case " $TARGETS " in *" $(basename "$f") "*) continue ;; esac
		case "$(basename "$f")" in *.so | *.a) continue ;; esac
		log "$(basename "$f") benchmark"
		{
			echo "### $(basename "$f") ($(date -u +%H:%M:%SZ))"
			(cd "$TMP" && timeout 1800 "$f" "${qflag[@]}" 2>&1)
		} >>"$OUT/micro.txt"
	done
}

# ---- where each server's CPU goes: the stack and the interface --------------

# split_at ARGS...: one bench/cpu_split.py run, its table appended to split.md
split_at() {
	SERVER_CPU=$SERVER_CPU CLIENT_CPU=$CLIENT_CPU SRC_ADDRS=$SRC_ADDRS timeout 900 \
		python3 "$ROOT/bench/cpu_split.py" "$BIN" "$@" >>"$OUT/split.md" 2>>"$OUT/split.log" ||
		log "CPU split $* failed: see $OUT/split.log"
}

run_split() {
	have echo_client && have echo_epoll || return 0
	command -v perf >/dev/null || { log "perf not installed: CPU split skipped"; return 0; }
	local args=(--reps 3 --sizes 64,512,4096 --secs 3)
	[ "$MODE" = quick ] && args=(--reps 1 --sizes 64 --secs 1)
	log "CPU split (perf)"
	: >"$OUT/split.md"
	split_at "${args[@]}"
	# Each scale point too: whether what grows with the connections is the
	# stack (socket lookup, state out of cache) or the interface.
	local n p l
	while IFS=: read -r n p l; do
		log "CPU split at $n connections (perf)"
		echo >>"$OUT/split.md"
		split_at --reps 3 --secs 3 --conns "$n" --depth "$p" --sizes "$l"
	done < <(tr ' ' '\n' <<<"$SCALE_POINTS" | sed '/^$/d')
}

# ---- main -------------------------------------------------------------------

mkdir -p "$OUT" "$REPORT_DIR" "$IMG_DIR"
TMP=$(mktemp -d)
SPID=
cleanup() {
	[ -n "${SPID:-}" ] && kill -KILL "$SPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

install_missing
mount_tracefs
ulimit -n "$(ulimit -Hn)" 2>/dev/null
build
write_env
T0=$(date +%s)
skipped echo || run_echo
skipped latency || run_latency
skipped http || run_http
skipped pipe || run_pipe
skipped micro || run_micro
skipped split || run_split
log "measurements took $(($(date +%s) - T0)) s"

python3 "$ROOT/bench/report.py" --mode "$MODE" --runs "$RUNS" --in "$OUT" \
	--md "$REPORT_DIR/$([ "$MODE" = full ] && [ "$PUBLISH" = 1 ] && echo benchmarks-network.md || echo report.md)" \
	--img "$IMG_DIR" --root "$ROOT" || { log "report failed"; exit 1; }
log "done: CSV in $OUT, report in $REPORT_DIR"
