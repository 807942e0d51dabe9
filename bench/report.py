#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Turns the CSVs written by bench/run.sh into a Markdown report and charts.

Every figure is the median over the runs with its spread (min..max); ratios
are curing / epoll of the medians.  Per-round-trip CPU is the server's own
getrusage (user + system) over the round trips it served; syscalls per round
trip come from the separate counting runs (the kernel's tracepoint counters,
bench_common.h), never from the timed runs.

    report.py --mode quick|full --runs R --in DIR --md FILE --img DIR --root REPO
"""
import argparse
import csv
import math
import re
import os
import shutil
import statistics
import subprocess
import sys

ECHO_SERVERS = ["epoll", "curing_plain", "curing_tuned", "liburing_tuned"]
# The pair compared beside the ratios to epoll: curing tuned / its liburing peer.
PEER = ("curing_tuned", "liburing_tuned")
HTTP_SERVERS = ["epoll", "curing"]


def num(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Stat:
    """Median and spread of one point's runs."""

    def __init__(self, values):
        self.v = sorted(x for x in values if x is not None)
        self.n = len(self.v)

    @property
    def med(self):
        return statistics.median(self.v) if self.v else None

    def iqr(self):
        if self.n < 4:
            return None
        q = statistics.quantiles(self.v, n=4)
        return q[2] - q[0]

    def fmt(self, scale=1.0, digits=0, unit=""):
        if not self.v:
            return "n/a"
        f = "{:,.%df}" % digits
        m = f.format(self.med * scale)
        lo, hi = f.format(self.v[0] * scale), f.format(self.v[-1] * scale)
        return f"{m}{unit} ({lo}..{hi})"


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.{digits}f}x"


def fmt_num(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


# ---------------------------------------------------------------- echo


def echo_tables(rows, runs):
    timed = [r for r in rows if r["kind"] == "time" and r["status"] == "ok"]
    counted = [r for r in rows if r["kind"] == "count" and r["status"] == "ok"]
    points = sorted({(int(r["depth"]), int(r["len"]), int(r["conns"])) for r in rows})
    servers = [s for s in ECHO_SERVERS if any(r["server"] == s for r in rows)]
    failed = [r for r in rows if r["status"] != "ok"]

    def stat(srv, pt, fn, src):
        p, l, n = pt
        return Stat(
            fn(r)
            for r in src
            if r["server"] == srv and int(r["depth"]) == p and int(r["len"]) == l and int(r["conns"]) == n
        )

    def rtps(r):
        return num(r["rt_per_s"])

    def cpu_per_rt(r):
        u, s, rt = num(r["server_user_us"]), num(r["server_sys_us"]), num(r["server_rt"])
        if u is None or s is None or not rt:
            return None
        return (u + s) / rt

    def sc_per_rt(col):
        def f(r):
            v, rt = num(r[col]), num(r["server_rt"])
            if v is None or v < 0 or not rt:
                return None
            return v / rt

        return f

    def mem_per_conn(r):
        peak, base, n = num(r.get("server_maxrss_kb")), num(r.get("server_rss_base_kb")), num(r["conns"])
        if peak is None or base is None or base < 0 or not n:
            return None
        return (peak - base) / n

    data = {}
    for pt in points:
        for s in servers:
            data[(s, pt)] = {
                "rtps": stat(s, pt, rtps, timed),
                "cpu": stat(s, pt, cpu_per_rt, timed),
                "sc": stat(s, pt, sc_per_rt("sc_total"), counted),
                "enter": stat(s, pt, sc_per_rt("sc_io_uring_enter"), counted),
                "vcsw": stat(s, pt, sc_per_rt("server_vcsw"), timed),
                "mem": stat(s, pt, mem_per_conn, timed),
                "rss": stat(s, pt, lambda r: num(r.get("server_maxrss_kb")), timed),
            }

    out = []
    hdr = "| N | P | L |" + "".join(f" {s} |" for s in servers)
    cur = [s for s in servers if s != "epoll"]
    ratio_hdr = "".join(f" {s}/epoll |" for s in cur) if "epoll" in servers else ""
    peer = all(s in servers for s in PEER)
    peer_hdr = f" {PEER[0]}/{PEER[1]} |" if peer else ""
    sep = "|---|---|---|" + "---|" * (len(servers) + (len(cur) if ratio_hdr else 0))
    sep_peer = sep + ("---|" if peer else "")

    def peer_cell(key, pt):
        return f" {ratio(data[(PEER[0], pt)][key].med, data[(PEER[1], pt)][key].med)} |" if peer else ""

    out.append("### Round trips per second (client-measured)\n")
    out.append(f"Median over {runs} interleaved runs, (min..max) in brackets.\n")
    out.append(hdr + ratio_hdr + peer_hdr)
    out.append(sep_peer)
    for pt in points:
        p, l, n = pt
        cells = "".join(f" {data[(s, pt)]['rtps'].fmt()} |" for s in servers)
        rats = ""
        if ratio_hdr:
            e = data[("epoll", pt)]["rtps"].med
            rats = "".join(f" {ratio(data[(s, pt)]['rtps'].med, e)} |" for s in cur)
        out.append(f"| {n} | {p} | {l} |{cells}{rats}{peer_cell('rtps', pt)}")

    out.append("\n### Server CPU per round trip (µs, user + system)\n")
    out.append(f"Median over {runs} interleaved runs, (min..max) in brackets; lower is better.\n")
    out.append(hdr + ratio_hdr + peer_hdr)
    out.append(sep_peer)
    for pt in points:
        p, l, n = pt
        cells = "".join(f" {data[(s, pt)]['cpu'].fmt(digits=2)} |" for s in servers)
        rats = ""
        if ratio_hdr:
            e = data[("epoll", pt)]["cpu"].med
            rats = "".join(f" {ratio(data[(s, pt)]['cpu'].med, e)} |" for s in cur)
        out.append(f"| {n} | {p} | {l} |{cells}{rats}{peer_cell('cpu', pt)}")

    if counted:
        out.append("\n### Server syscalls per round trip\n")
        out.append(
            "One counting run per point and server (kernel tracepoint counters, "
            "`raw_syscalls:sys_enter`, separate from the timed runs). "
            "For the curing servers the io_uring_enter share is in brackets.\n"
        )
        out.append(hdr + ratio_hdr)
        out.append(sep)
        for pt in points:
            p, l, n = pt
            cells = ""
            for s in servers:
                d = data[(s, pt)]
                c = fmt_num(d["sc"].med)
                if s != "epoll" and d["enter"].med is not None:
                    c += f" ({fmt_num(d['enter'].med)})"
                cells += f" {c} |"
            rats = ""
            if ratio_hdr:
                e = data[("epoll", pt)]["sc"].med
                rats = "".join(f" {ratio(data[(s, pt)]['sc'].med, e)} |" for s in cur)
            out.append(f"| {n} | {p} | {l} |{cells}{rats}")
    out.append("\n### Server sleeps per round trip\n")
    out.append("Voluntary context switches of the server (getrusage) per round trip, median of the timed "
               "runs: how often it blocked and had to be woken, a cost the waking side (the client, on "
               "loopback) pays.\n")
    out.append(hdr)
    out.append("|---|---|---|" + "---|" * len(servers))
    for pt in points:
        p, l, n = pt
        out.append(f"| {n} | {p} | {l} |" + "".join(f" {fmt_num(data[(s, pt)]['vcsw'].med, 3)} |" for s in servers))
    if any(data[(s, pt)]["mem"].med is not None for s in servers for pt in points):
        out.append("\n### Server memory per connection\n")
        out.append("KiB per connection: the server's peak RSS (ru_maxrss) less its RSS once set up, "
                   "over the connections, median of the timed runs; the server's peak RSS in MiB in "
                   "brackets.  It counts the pages the server touched, connections' state and the "
                   "buffers they used (the tuned servers' shared buffer ring: a 64 B message touches "
                   "one page of a 32 KiB buffer, and the ring's FIFO order touches them all in turn), "
                   "not the kernel's socket memory.  At a few connections it is mostly fixed costs (the "
                   "first buffers touched) spread thin.\n")
        out.append(hdr)
        out.append("|---|---|---|" + "---|" * len(servers))
        for pt in points:
            p, l, n = pt
            cells = ""
            for s in servers:
                d = data[(s, pt)]
                rss = f" ({d['rss'].med / 1024:.1f})" if d["rss"].med is not None else ""
                cells += f" {fmt_num(d['mem'].med)}{rss} |"
            out.append(f"| {n} | {p} | {l} |{cells}")
    if failed:
        out.append(f"\n{len(failed)} echo run(s) failed and are left out: " +
                   ", ".join(sorted({f"{r['server']} N={r['conns']} P={r['depth']} L={r['len']} ({r['status']})"
                                     for r in failed})))
    return "\n".join(out), data, points, servers


def echo_targets(data, points, servers):
    if "epoll" not in servers or "curing_tuned" not in servers:
        return "Targets not evaluated: the epoll or the tuned curing server is missing."
    lines = []
    t = "curing_tuned"
    at = [pt for pt in points if pt[0] == 8 and pt[2] == 256]
    for pt in at:
        c = data[(t, pt)]["cpu"].med
        e = data[("epoll", pt)]["cpu"].med
        # Round two's target: the stack is most of a round trip on loopback
        # (bench/cpu_split.py), so 0.9x of the total; the interface part has
        # its own target (<= 0.5x) in the CPU split's table.
        verdict = "met" if c is not None and e and c / e <= 0.9 else "not met"
        lines.append(f"- Server CPU per round trip at N=256, P=8, L={pt[1]}: tuned/epoll = "
                     f"{ratio(c, e)} (target <= 0.90x): **{verdict}**.")
    sc_r = [(pt, data[(t, pt)]["sc"].med, data[("epoll", pt)]["sc"].med) for pt in points]
    sc_r = [(pt, a / b) for pt, a, b in sc_r if a is not None and b]
    if sc_r:
        ok = sum(1 for _, r in sc_r if r <= 0.5)
        worst = max(sc_r, key=lambda x: x[1])
        lines.append(f"- Syscalls per round trip, tuned/epoll <= 0.5x: **{ok} of {len(sc_r)} points met**; "
                     f"range {min(r for _, r in sc_r):.2f}x..{worst[1]:.2f}x "
                     f"(worst at N={worst[0][2]}, P={worst[0][0]}, L={worst[0][1]}).")
    rt_r = [(pt, data[(t, pt)]["rtps"].med, data[("epoll", pt)]["rtps"].med) for pt in points]
    rt_r = [(pt, a / b) for pt, a, b in rt_r if a is not None and b]
    if rt_r:
        ok = sum(1 for _, r in rt_r if r >= 1.0)
        worst = min(rt_r, key=lambda x: x[1])
        lines.append(f"- Round trips/s, tuned/epoll >= 1.0x at every point: **{ok} of {len(rt_r)} points met**; "
                     f"range {worst[1]:.2f}x..{max(r for _, r in rt_r):.2f}x "
                     f"(lowest at N={worst[0][2]}, P={worst[0][0]}, L={worst[0][1]}).")
    if all(s in servers for s in PEER):
        for key, what, better in (("cpu", "server CPU per round trip", "<= 1.0x"),
                                  ("rtps", "round trips/s", ">= 1.0x")):
            rs = [(pt, data[(PEER[0], pt)][key].med, data[(PEER[1], pt)][key].med) for pt in points]
            rs = [(pt, a / b) for pt, a, b in rs if a is not None and b]
            if not rs:
                continue
            ok = sum(1 for _, r in rs if (r <= 1.0 if key == "cpu" else r >= 1.0))
            lines.append(f"- curing tuned / liburing tuned, {what} {better} at every point: "
                         f"**{ok} of {len(rs)} points met**; range {min(r for _, r in rs):.2f}x.."
                         f"{max(r for _, r in rs):.2f}x.")
        lc = [(data[(PEER[1], pt)]["cpu"].med, data[("epoll", pt)]["cpu"].med) for pt in points]
        lc = [a / b for a, b in lc if a is not None and b]
        if lc:
            lines.append(f"- liburing tuned/epoll, server CPU per round trip {min(lc):.2f}x..{max(lc):.2f}x "
                         f"(median {statistics.median(lc):.2f}x).")
    lines += scale_targets(data, points, servers)
    if "curing_plain" in servers:
        pr = [(data[("curing_plain", pt)]["rtps"].med, data[("epoll", pt)]["rtps"].med) for pt in points]
        pr = [a / b for a, b in pr if a is not None and b]
        pc = [(data[("curing_plain", pt)]["cpu"].med, data[("epoll", pt)]["cpu"].med) for pt in points]
        pc = [a / b for a, b in pc if a is not None and b]
        if pr:
            lines.append(f"- curing plain/epoll: round trips/s {min(pr):.2f}x..{max(pr):.2f}x "
                         f"(median {statistics.median(pr):.2f}x); server CPU per round trip "
                         f"{min(pc):.2f}x..{max(pc):.2f}x (median {statistics.median(pc):.2f}x).")
    return "\n".join(lines)


def scale_targets(data, points, servers):
    """Server CPU per round trip at the most connections measured against
    that at 256, at the same P and L: the scale target (<= 1.2x, curing)."""
    big = [pt for pt in points if pt[2] > 256 and (pt[0], pt[1], 256) in points]
    if not big:
        return []
    pt = max(big, key=lambda x: (x[2], x[0] == 8, x[1] == 64))
    base = (pt[0], pt[1], 256)
    cells = []
    verdict = None
    for s in servers:
        a, b = data[(s, pt)]["cpu"].med, data[(s, base)]["cpu"].med
        if a is None or not b:
            continue
        cells.append(f"{s} {a / b:.2f}x ({a:.2f} against {b:.2f} µs)")
        if s == "curing_tuned":
            verdict = "met" if a / b <= 1.2 else "not met"
    if not cells:
        return []
    head = (f"- Server CPU per round trip at N={pt[2]} against N=256 (P={pt[0]}, L={pt[1]}), "
            f"target <= 1.2x for curing tuned")
    return [head + (f": **{verdict}**" if verdict else "") + "; " + ", ".join(cells) + "."]


def echo_charts(data, points, servers, img, gp):
    combos = sorted({(p, l) for p, l, _ in points})
    conns = sorted({n for _, _, n in points})
    if len(conns) < 2:
        return []
    dat = os.path.join(img, "echo.dat")
    with open(dat, "w") as f:
        for ci, (p, l) in enumerate(combos):
            for s in servers:
                f.write(f"# P={p} L={l} {s}\n")
                for n in conns:
                    d = data.get((s, (p, l, n)))
                    if not d or d["rtps"].med is None:
                        continue
                    r, c = d["rtps"], d["cpu"]
                    f.write(f"{n} {r.med} {r.v[0]} {r.v[-1]} {c.med} {c.v[0]} {c.v[-1]}\n")
                f.write("\n\n")
    cols = min(3, len(combos))
    rows = (len(combos) + cols - 1) // cols
    made = []
    for name, ycols, ylabel in (("echo-throughput.png", "1:2:3:4", "round trips/s"),
                                ("echo-cpu.png", "1:5:6:7", "server CPU µs / round trip")):
        script = [
            f"set terminal pngcairo size {420 * cols},{320 * rows} font ',9'",
            f"set output '{os.path.join(img, name)}'",
            "set termoption noenhanced",
            f"set multiplot layout {rows},{cols}",
            "set logscale x",
            "set xlabel 'connections'",
            f"set ylabel '{ylabel}'",
            "set key top left",
            "set grid",
            "set yrange [0:*]",
        ]
        for ci, (p, l) in enumerate(combos):
            script.append(f"set title 'P={p} in flight, L={l} B'")
            plots = []
            for si, s in enumerate(servers):
                idx = ci * len(servers) + si
                plots.append(f"'{dat}' index {idx} using {ycols} with yerrorlines title '{s}'")
            script.append("plot " + ", ".join(plots))
        script.append("unset multiplot")
        if run_gnuplot(gp, script):
            made.append(name)
    os.remove(dat)   # the CSVs are the data; this was only gnuplot's input
    return made


def run_gnuplot(gp, script):
    if not gp:
        return False
    r = subprocess.run([gp], input="\n".join(script) + "\n", text=True, capture_output=True)
    if r.returncode != 0:
        sys.stderr.write("gnuplot: " + r.stderr[-2000:])
        return False
    return True


# ---------------------------------------------------------------- latency

LAT_SERVERS = ["epoll", "curing_plain", "curing_tuned"]


def latency_section(rows, runs):
    ok = [r for r in rows if r["status"] == "ok"]
    if not ok:
        return "No latency run succeeded.", []
    servers = [s for s in LAT_SERVERS if any(r["server"] == s for r in ok)]
    fracs = sorted({int(r["frac"]) for r in ok})
    n, l, mx = ok[0]["conns"], ok[0]["len"], ok[0]["epoll_max"]

    def st(s, f, col):
        return Stat(num(r[col]) for r in ok if r["server"] == s and int(r["frac"]) == f)

    def cpu(r):
        u, s_, rt = num(r["server_user_us"]), num(r["server_sys_us"]), num(r["server_rt"])
        return (u + s_) / rt if u is not None and s_ is not None and rt else None

    out = [f"`echo_client -r`: {n} connections, {l} B, a fixed schedule of messages at a fraction of "
           f"epoll's closed-loop rate at the same point with one message in flight per connection "
           f"({int(float(mx)):,} round trips/s here; one write per message, as a paced client pays). "
           "Latency runs from each message's due time, not from its send, so a stall of the server "
           "counts in full (no coordinated omission).  Median over "
           f"{runs} interleaved runs, (min..max) in brackets; µs.  `late` is the median count of "
           "sends the client itself released over 100 µs after their due time (the client, not "
           "the server, fell behind: those samples include the client's delay).\n",
           "| load | server | achieved rt/s | p50 µs | p99 µs | p99.9 µs | server CPU µs/rt | late |",
           "|---|---|---|---|---|---|---|---|"]
    summary = []
    for f in fracs:
        e99 = st("epoll", f, "p99_us").med
        for s in servers:
            cp = Stat(cpu(r) for r in ok if r["server"] == s and int(r["frac"]) == f)
            out.append(f"| {f}% | {s} | {st(s, f, 'rt_per_s').fmt()} | {st(s, f, 'p50_us').fmt(digits=1)} "
                       f"| {st(s, f, 'p99_us').fmt(digits=1)} | {st(s, f, 'p999_us').fmt(digits=1)} "
                       f"| {cp.fmt(digits=2)} | {fmt_num(st(s, f, 'late_sends').med, 0)} |")
            if s != "epoll":
                summary.append(f"- Latency at {f}% of epoll's rate, {s}/epoll: p50 "
                               f"{ratio(st(s, f, 'p50_us').med, st('epoll', f, 'p50_us').med)}, p99 "
                               f"{ratio(st(s, f, 'p99_us').med, e99)}, p99.9 "
                               f"{ratio(st(s, f, 'p999_us').med, st('epoll', f, 'p999_us').med)}.")
    bad = [r for r in rows if r["status"] != "ok"]
    if bad:
        out.append(f"\n{len(bad)} latency run(s) failed and are left out.")
    return "\n".join(out), summary


# ---------------------------------------------------------------- http


def http_section(rows, runs, img, gp):
    ok = [r for r in rows if r["status"] == "ok"]
    servers = [s for s in HTTP_SERVERS if any(r["server"] == s for r in rows)]
    conns = sorted({int(r["conns"]) for r in rows})

    def st(s, c, fn):
        return Stat(fn(r) for r in ok if r["server"] == s and int(r["conns"]) == c)

    def cpu(r):
        u, s, q = num(r["server_user_us"]), num(r["server_sys_us"]), num(r["server_requests"])
        return (u + s) / q if u is not None and s is not None and q else None

    out = [f"Median over {runs} interleaved runs, (min..max) in brackets; wrk -t1, one thread on the "
           "client core; latency percentiles from `wrk --latency` (µs, medians of the runs).\n"]
    hdr = "| connections |" + "".join(f" {s} req/s | {s} CPU µs/req | {s} p50 / p99 µs |" for s in servers)
    both = "epoll" in servers and "curing" in servers
    if both:
        hdr += " req/s curing/epoll | CPU/req curing/epoll |"
    out.append(hdr)
    out.append("|---|" + "---|---|---|" * len(servers) + ("---|---|" if both else ""))
    d = {}
    for c in conns:
        line = f"| {c} |"
        for s in servers:
            rq = st(s, c, lambda r: num(r["requests_per_s"]))
            cp = st(s, c, cpu)
            p50 = st(s, c, lambda r: num(r["lat_p50_us"]))
            p99 = st(s, c, lambda r: num(r["lat_p99_us"]))
            d[(s, c)] = (rq, cp)
            line += f" {rq.fmt()} | {cp.fmt(digits=2)} | {fmt_num(p50.med, 0)} / {fmt_num(p99.med, 0)} |"
        if both:
            line += (f" {ratio(d[('curing', c)][0].med, d[('epoll', c)][0].med)} |"
                     f" {ratio(d[('curing', c)][1].med, d[('epoll', c)][1].med)} |")
        out.append(line)
    targets = []
    if both and 256 in conns:
        rq = d[("curing", 256)][0].med, d[("epoll", 256)][0].med
        cp = d[("curing", 256)][1].med, d[("epoll", 256)][1].med
        if None not in rq and None not in cp:
            targets.append(f"- HTTP at 256 connections, server CPU per request curing/epoll = "
                           f"{ratio(*cp)} (target <= 0.85x): **{'met' if cp[0] / cp[1] <= 0.85 else 'not met'}**.")
            targets.append(f"- HTTP at 256 connections, requests/s curing/epoll = {ratio(*rq)} "
                           f"(target >= 1.0x): **{'met' if rq[0] / rq[1] >= 1.0 else 'not met'}**.")
    failed = [r for r in rows if r["status"] != "ok"]
    if failed:
        out.append(f"\n{len(failed)} http run(s) failed or had socket errors and are left out.")
    chart = None
    if len(conns) >= 2 and gp:
        dat = os.path.join(img, "http.dat")
        with open(dat, "w") as f:
            for s in servers:
                f.write(f"# {s}\n")
                for c in conns:
                    rq, cp = d[(s, c)]
                    if rq.med is None or cp.med is None:
                        continue
                    f.write(f"{c} {rq.med} {rq.v[0]} {rq.v[-1]} {cp.med} {cp.v[0]} {cp.v[-1]}\n")
                f.write("\n\n")
        script = [
            "set terminal pngcairo size 900,320 font ',9'",
            f"set output '{os.path.join(img, 'http.png')}'",
            "set termoption noenhanced",
            "set multiplot layout 1,2",
            "set logscale x", "set xlabel 'connections'", "set grid", "set key top left",
            "set yrange [0:*]",
            "set title 'requests/s (wrk)'", "set ylabel 'requests/s'",
            "plot " + ", ".join(f"'{dat}' index {i} using 1:2:3:4 with yerrorlines title '{s}'"
                                for i, s in enumerate(servers)),
            "set title 'server CPU per request'", "set ylabel 'µs / request'",
            "plot " + ", ".join(f"'{dat}' index {i} using 1:5:6:7 with yerrorlines title '{s}'"
                                for i, s in enumerate(servers)),
            "unset multiplot",
        ]
        if run_gnuplot(gp, script):
            chart = "http.png"
        os.remove(dat)
    return "\n".join(out), targets, chart


# ---------------------------------------------------------------- pipe


PIPE_MODES = ["epoll", "curing", "curing_read"]


def paired_ratios(src, key, a, b, fn):
    """a/b per repetition (the interleaved runs pair up by rep): a Stat."""
    by = {}
    for r in src:
        if key(r):
            by.setdefault((r["rep"], r["mode"]), fn(r))
    return Stat(by[(rep, a)] / by[(rep, b)] for rep, m in by
                if m == b and (rep, a) in by and by[(rep, a)] is not None and by[(rep, b)])


def pipe_section(rows, runs):
    timed = [r for r in rows if r["kind"] == "time" and r["status"] == "ok"]
    counted = [r for r in rows if r["kind"] == "count" and r["status"] == "ok"]
    pts = sorted({(int(r["pairs"]), int(r["len"])) for r in rows})
    modes = [m for m in PIPE_MODES if any(r["mode"] == m for r in rows)]
    cur = [m for m in modes if m != "epoll"]

    def at(pt):
        return lambda r: (int(r["pairs"]), int(r["len"])) == pt

    def st(src, m, pt, fn):
        return Stat(fn(r) for r in src if r["mode"] == m and at(pt)(r))

    def rtps(r):
        return num(r["rt_per_s"])

    def cpu(r):
        c, rt = num(r["cpu_us"]), num(r["rt"])
        return c / rt if c is not None and rt else None

    def sc(r):
        v, rt = num(r["sc_total"]), num(r["rt"])
        return v / rt if v is not None and v >= 0 and rt else None

    paths = {m: sorted({r.get("path") or "?" for r in timed if r["mode"] == m}) for m in modes}
    out = [f"Median over {runs} interleaved runs, (min..max) in brackets.  CPU is both processes' "
           "user + system time (getrusage) per round trip; syscalls are both processes' per round "
           "trip (one counting run).  Variants: `curing` uses a multishot read per pipe where the "
           "kernel has it (6.7), `curing_read` one read job per message (the fallback).  Paths that "
           "ran: " + "; ".join(f"{m} = {', '.join(paths[m])}" for m in modes) + ".\n",
           "| pipe pairs | L | variant | rt/s | CPU µs/rt | syscalls/rt | rt/s vs epoll (per-run range) "
           "| CPU vs epoll (per-run range) |",
           "|---|---|---|---|---|---|---|---|"]
    summary = []
    for pt in pts:
        e_r, e_c = st(timed, "epoll", pt, rtps), st(timed, "epoll", pt, cpu)
        for m in modes:
            r, c, k = st(timed, m, pt, rtps), st(timed, m, pt, cpu), st(counted, m, pt, sc)
            rr = cr = "-"
            if m != "epoll":
                pr = paired_ratios(timed, at(pt), m, "epoll", rtps)
                pc = paired_ratios(timed, at(pt), m, "epoll", cpu)
                rr = f"{ratio(r.med, e_r.med)}; per run {pr.fmt(digits=2, unit='x')}"
                cr = f"{ratio(c.med, e_c.med)}; per run {pc.fmt(digits=2, unit='x')}"
            out.append(f"| {pt[0]} | {pt[1]} | {m} | {r.fmt()} | {c.fmt(digits=2)} | {fmt_num(k.med)} "
                       f"| {rr} | {cr} |")
        for m in cur:
            r, c = st(timed, m, pt, rtps).med, st(timed, m, pt, cpu).med
            line = (f"- Pipe ping-pong, {pt[0]} pair(s) of {pt[1]} B, {m} ({', '.join(paths[m])})/epoll: "
                    f"round trips/s {ratio(r, e_r.med)}, CPU per round trip {ratio(c, e_c.med)}")
            if m == "curing" and r is not None and c is not None and e_r.med and e_c.med:
                ok_r, ok_c = r / e_r.med >= 1.0, c / e_c.med <= 0.9
                line += (f" (targets >= 1.0x: **{'met' if ok_r else 'not met'}**, "
                         f"<= 0.9x: **{'met' if ok_c else 'not met'}**)")
            summary.append(line + ".")
    return "\n".join(out), summary


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--img", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    os.makedirs(a.img, exist_ok=True)
    gp = shutil.which("gnuplot")
    md_dir = os.path.dirname(os.path.abspath(a.md))

    def rel(name):
        return os.path.relpath(os.path.join(a.img, name), md_dir)

    env = open(os.path.join(a.inp, "env.txt")).read() if os.path.exists(os.path.join(a.inp, "env.txt")) else ""
    rough = ("**Rough figures**: quick mode, 3 short runs per point on whatever else the machine "
             "is doing; for numbers to compare, run `./curing.sh bench` (full mode) on an idle machine.\n"
             if a.mode == "quick" else "")
    doc = ["# Network benchmarks: curing against epoll\n",
           f"Generated by `bench/run.sh {a.mode}` ({a.runs} interleaved runs per point). "
           "Raw per-run CSV: `" + os.path.relpath(a.inp, a.root) + "/`.\n",
           rough,
           "## Machine\n", "```", env.rstrip(), "```\n",
           "## Method\n",
           "- Echo: `echo_client` (one thread, epoll, pinned to the client CPU) opens N connections and keeps "
           "P messages of L bytes in flight on each; it checks every echoed byte against a per-connection "
           "pseudo-random stream and counts round trips after a warm-up.  The server runs alone on the "
           "server CPU.  Servers: `echo_epoll` (level-triggered, read then write), `echo_curing_plain` "
           "(one accept, then recv -> send -> recv per connection, one `uring_wait` + one `uring_reap` per "
           "loop), `echo_curing_tuned` (multishot accept and recv with a buffer ring, "
           "SINGLE_ISSUER | DEFER_TASKRUN, registered files, batched completions), and "
           "`echo_liburing_tuned`, the same design on liburing (built where liburing is found), "
           "with a registered ring fd as curing registers its own.",
           "- Runs are interleaved: for each repetition every point runs every server in turn "
           "(epoll, plain, tuned, epoll, ...), so drift hits all alike.  Figures are medians with "
           "(min..max); ratios are curing / epoll of the medians.",
           "- Server CPU is the server's own getrusage (user + system) divided by the round trips it "
           "served.  With both CPUs busy (from 16 connections on), round trips/s measures the client "
           "as much as the server: CPU per round trip is the figure that separates the servers.",
           "- Syscalls per round trip come from separate counting runs with perf tracepoint counters "
           "opened by the server on itself (`-S`), so the counters' own cost never enters the timed runs.",
           ""]
    notes = os.path.join(a.root, "bench", "notes-network.md")
    targets = []

    echo_rows = read_csv(os.path.join(a.inp, "echo.csv"))
    if echo_rows:
        tables, data, points, servers = echo_tables(echo_rows, a.runs)
        doc += ["## Echo\n", tables, ""]
        charts = echo_charts(data, points, servers, a.img, gp)
        for c in charts:
            doc.append(f"![{c}]({rel(c)})\n")
        targets.append(echo_targets(data, points, servers))

    lat_rows = read_csv(os.path.join(a.inp, "latency.csv"))
    if lat_rows:
        t, summ = latency_section(lat_rows, a.runs)
        doc += ["## Echo latency at a fixed rate\n", t, ""]
        targets += summ

    http_rows = read_csv(os.path.join(a.inp, "http.csv"))
    if http_rows:
        t, tg, chart = http_section(http_rows, a.runs, a.img, gp)
        doc += ["## HTTP/1.1 keep-alive under wrk\n", t, ""]
        if chart:
            doc.append(f"![http]({rel(chart)})\n")
        targets += tg

    pipe_rows = read_csv(os.path.join(a.inp, "pipe.csv"))
    if pipe_rows:
        t, summ = pipe_section(pipe_rows, a.runs)
        doc += ["## Pipe ping-pong between two processes\n", t, ""]
        targets += summ

    split = os.path.join(a.inp, "split.md")
    if os.path.exists(split) and os.path.getsize(split) > 0:
        doc += [open(split).read().rstrip(), ""]   # bench/cpu_split.py writes it whole

    micro = os.path.join(a.inp, "micro.txt")
    if os.path.exists(micro) and os.path.getsize(micro) > 0:
        doc += ["## Other benchmarks in bench/ (their own output)\n"]
        block, table = [], []
        for line in open(micro):
            line = line.rstrip("\n")
            if line.startswith("### "):
                doc.append("#" + line + "\n")
            elif line.startswith("|"):
                table.append(line)
            elif table:
                doc += table + [""]
                table = []
                if line.strip():
                    doc.append(line)
            elif line.strip() and not re.match(r"^\S+( \S+=\S*)+$", line):
                doc.append(line)   # prose, not a machine-readable key=value line
        doc += table + [""]

    doc += ["## Targets\n"] + [t for t in targets if t] + [""]
    if os.path.exists(notes) and a.mode == "full":   # its text reads the full run's figures
        doc += [open(notes).read().rstrip(), ""]

    with open(a.md, "w") as f:
        f.write("\n".join(doc) + "\n")
    print(a.md)


if __name__ == "__main__":
    main()
