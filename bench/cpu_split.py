#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Where each echo server's CPU goes: the TCP/IP stack, or the interface.

    bench/cpu_split.py [BIN_DIR] [--secs S] [--reps R] [--sizes 64,512,4096]
                       [--conns N] [--depth P] [--servers epoll,curing_plain,...]

Runs each server pinned to SERVER_CPU (default 0) with echo_client pinned to
CLIENT_CPU (default 1), interleaved (every server once per rep and size),
and samples the server alone with `perf record -e cpu-clock` (the software
clock: hardware counters are not needed), with call chains.  Each sample
goes to a bucket by the first function, from where it landed up through
its callers, that names one:

  stack      TCP/IP, sockets, skb handling, softirq, loopback (and the data
             copy, locks and allocations they call)
  io_uring   io_uring's own code and its task work
  epoll      ep_* and the epoll syscalls
  syscall    syscall entry and exit, fd lookup, VFS read/write
  user       the server's own code and libc
  other      no frame names a bucket (timers, interrupts, the scheduler
             outside a wait)

"interface" is io_uring + epoll + syscall + user: what a server's choice
of API costs.  The server's own counters (round trips, user and system
time from getrusage) turn the shares into CPU microseconds per round trip.
Sampling shares do not depend on other load on the machine the way rates
do; the report gives the median and the range over the reps.

Needs perf (linux-perf) and the bench binaries (build-bench/bench).
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BUCKETS = ('stack', 'io_uring', 'epoll', 'syscall', 'user', 'other')
INTERFACE = ('io_uring', 'epoll', 'syscall', 'user')

# A sample goes to the first frame, from the leaf up, whose function names a
# bucket: a lock, copy or allocation helper is charged to whoever called it
# (a copy inside tcp_recvmsg is the stack's, a wakeup inside ep_poll_callback
# is epoll's).  User-space frames are the server's own ("user").
RULES = [
    ('epoll', r'^(ep_|do_epoll|__x64_sys_epoll|__do_sys_epoll|epoll_)'),
    ('io_uring', r'^(io_|__io_|io_uring|tctx_|__x64_sys_io_uring|__do_sys_io_uring)'),
    ('stack', r'^(tcp|__tcp|ip_|__ip|ipv4_|inet|__inet|sk_|__sk_|skb_|__skb|kfree_skb|__kfree_skb|'
              r'consume_skb|napi_|__napi|alloc_skb|__alloc_skb|net_|__net|netif_|__netif|'
              r'process_backlog|loopback_|dev_|__dev_|sock_|__sock|lock_sock|release_sock|'
              r'__release_sock|security_sock|security_socket|dst_|nf_|raw_local|eth_|'
              r'validate_xmit|neigh_|__neigh|do_softirq|__do_softirq|handle_softirqs|'
              r'csum_|__build_skb|mem_cgroup_charge_skmem|__cgroup_bpf|bpf_skops)'),
    ('syscall', r'^(entry_SYSCALL|do_syscall_64|syscall_|__x64_sys_|__se_sys|__do_sys_|ksys_|vfs_|'
                r'new_sync_|__fdget|fdget|__fget|fput|__fput|rw_verify_area|'
                r'security_file_permission|exit_to_user_mode|arch_exit_to_user|__rseq|rseq_)'),
]
COMPILED = [(b, re.compile(p)) for b, p in RULES]


def frame_bucket(sym, dso):
    if '[kernel' not in dso and 'vmlinux' not in dso:
        return 'user'
    for b, rx in COMPILED:
        if rx.match(sym):
            return b
    return None


def sample_bucket(frames):
    for sym, dso in frames:
        b = frame_bucket(sym, dso)
        if b:
            return b
    return 'other'


def kv(line, key):
    m = re.search(r'\b%s=([0-9.]+)' % key, line)
    return float(m.group(1)) if m else None


def samples(perf_data):
    out = subprocess.run(['perf', 'script', '-i', perf_data, '-F', 'ip,sym,dso'],
                         capture_output=True, text=True, check=False).stdout
    counts = dict.fromkeys(BUCKETS, 0)
    for block in out.split('\n\n'):
        frames = []
        for line in block.splitlines():
            m = re.match(r'\s*[0-9a-f]+\s+(.*?)\s*\((.*)\)\s*$', line)
            if m:
                frames.append((m.group(1).split('+')[0], m.group(2)))
        if frames:
            counts[sample_bucket(frames)] += 1
    return counts


def run_one(args, server, size, port, tmp):
    srv_out = os.path.join(tmp, 'srv.out')
    with open(srv_out, 'w') as so:
        srv = subprocess.Popen(['taskset', '-c', str(args.server_cpu),
                                os.path.join(args.bin, 'echo_' + server), '-p', str(port),
                                '-l', str(size)], stdout=so, stderr=subprocess.STDOUT)
    time.sleep(0.3)
    data = os.path.join(tmp, 'perf.data')
    # The client warms up for warm_ms; perf starts with it and runs through
    # the measured seconds, so the samples are of the steady state.
    cli = subprocess.Popen(['taskset', '-c', str(args.client_cpu),
                            os.path.join(args.bin, 'echo_client'), '-p', str(port), '-n',
                            str(args.conns), '-P', str(args.depth), '-l', str(size), '-d',
                            str(args.secs), '-w', '300'] +
                           # past 256 connections, spread over SRC_ADDRS source
                           # addresses as bench/run.sh does, so ports do not run out
                           (['-s', os.environ.get('SRC_ADDRS', '8')] if args.conns > 256 else []),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.35)
    perf = subprocess.run(['perf', 'record', '-q', '-g', '-e', 'cpu-clock', '-F', str(args.freq),
                           '-p', str(srv.pid), '-o', data, '--', 'sleep', str(args.secs * 0.8)],
                          capture_output=True, text=True, check=False)
    cout, cerr = cli.communicate(timeout=args.secs + 60)
    # TERM again until it exits: one that lands between the server's check
    # of its stop flag and its next blocking wait is lost.
    for _ in range(50):
        srv.send_signal(signal.SIGTERM)
        try:
            srv.wait(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            pass
    else:
        srv.kill()
        srv.wait()
    with open(srv_out) as f:
        sline = next((l for l in f if l.startswith('server=')), '')
    if cli.returncode != 0 or not sline or perf.returncode != 0:
        sys.stderr.write('cpu_split: %s %d B failed: client %d %s; server %r; perf %s\n' %
                         (server, size, cli.returncode, cerr[-300:], sline[:200], perf.stderr[-300:]))
        return None
    counts = samples(data)
    total = sum(counts.values())
    rt = kv(sline, 'rt')
    cpu_us = kv(sline, 'user_us') + kv(sline, 'sys_us')
    if not total or not rt:
        return None
    per_rt = cpu_us / rt
    shares = {b: counts[b] / total for b in BUCKETS}
    return {'server': server, 'size': size, 'cpu_per_rt_us': per_rt,
            'rt_per_s': kv(cout, 'rt_per_s'), 'samples': total, 'shares': shares}


def med_range(values):
    return statistics.median(values), min(values), max(values)


def report(results, servers, sizes, args):
    title = '## Server CPU per round trip: the stack and the interface'
    print(title + ('\n' if args.conns == 256 else ', at %d connections\n' % args.conns))
    print('%d connections x %d in flight, %d interleaved reps of %g s, server on CPU %d, '
          'client on CPU %d; perf cpu-clock at %d Hz on the server only. Medians, '
          '(min..max) over the reps; us = CPU microseconds per round trip.\n' %
          (args.conns, args.depth, args.reps, args.secs, args.server_cpu, args.client_cpu,
           args.freq))
    print('| size | server | total us | stack us | interface us | interface / epoll\'s | '
          'total / epoll\'s | io_uring | epoll | syscall | user | other |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for size in sizes:
        base = None
        for server in servers:
            rs = [r for r in results if r['server'] == server and r['size'] == size]
            if not rs:
                continue
            tot = [r['cpu_per_rt_us'] for r in rs]
            stack = [r['cpu_per_rt_us'] * r['shares']['stack'] for r in rs]
            iface = [r['cpu_per_rt_us'] * sum(r['shares'][b] for b in INTERFACE) for r in rs]
            t, s, i = statistics.median(tot), statistics.median(stack), statistics.median(iface)
            if server == 'epoll':
                base = (t, i)
            share = {b: statistics.median([r['shares'][b] for r in rs]) for b in BUCKETS}
            print('| %d | %s | %.2f (%.2f..%.2f) | %.2f | %.2f (%.2f..%.2f) | %s | %s | %s |' % (
                size, server, t, min(tot), max(tot), s, i, min(iface), max(iface),
                '%.2f' % (i / base[1]) if base else '-', '%.2f' % (t / base[0]) if base else '-',
                ' | '.join('%.0f%%' % (100 * share[b]) for b in INTERFACE + ('other',))))
    print('\nstack: TCP/IP, sockets, skbs, softirq, loopback and the data copy; interface: '
          'io_uring + epoll + syscall entry/VFS + user. Each sample goes to the first function '
          'up its call chain that names a bucket (bench/cpu_split.py RULES).')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('bin', nargs='?', default='build-bench/bench')
    ap.add_argument('--secs', type=float, default=3.0)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--sizes', default='64,512,4096')
    ap.add_argument('--conns', type=int, default=256)
    ap.add_argument('--depth', type=int, default=8)
    ap.add_argument('--freq', type=int, default=4999)
    ap.add_argument('--servers', default='epoll,curing_plain,curing_tuned,liburing_tuned')
    args = ap.parse_args()
    if not shutil.which('perf'):
        sys.exit('cpu_split: perf is not installed (Debian: apt-get install linux-perf)')
    args.server_cpu = int(os.environ.get('SERVER_CPU', 0))
    args.client_cpu = int(os.environ.get('CLIENT_CPU', 1))
    servers = [s for s in args.servers.split(',')
               if os.access(os.path.join(args.bin, 'echo_' + s), os.X_OK)]
    sizes = [int(s) for s in args.sizes.split(',')]
    if 'epoll' not in servers or not os.access(os.path.join(args.bin, 'echo_client'), os.X_OK):
        sys.exit('cpu_split: echo_client and echo_epoll must be built in %s' % args.bin)
    results, port = [], 18100
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.reps):
            for size in sizes:
                for server in servers:
                    port = port + 1 if port < 18900 else 18101
                    r = run_one(args, server, size, port, tmp)
                    if r:
                        results.append(r)
                        print('split rep=%d server=%s size=%d cpu_per_rt_us=%.3f samples=%d %s' % (
                            rep, server, size, r['cpu_per_rt_us'], r['samples'],
                            ' '.join('%s=%.3f' % (b, r['shares'][b]) for b in BUCKETS)),
                            file=sys.stderr)
    report(results, servers, sizes, args)


if __name__ == '__main__':
    main()
