#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes the seed corpus of tests/fuzz/fuzz_ring.c into tests/fuzz/corpus.

Each seed is a header (ring depth selector, setup-flag selector) and a
program of op bytes with their argument bytes, in the encoding that
LLVMFuzzerTestOneInput reads: op % 32 picks the call, bit 7 the second
ring.  Hand-written seeds reach each op family with valid and invalid
arguments; the rest are deterministic pseudo-random programs.
"""
import os
import random
import sys

NOOP, TIMEOUT, CANCEL, RW, OPEN, CLOSE, PATH, SPLICE_POLL = 0, 3, 5, 7, 10, 11, 12, 14
FIXED, SOCKET, NET, FLAGS, FILES, MSG, MISC = 15, 17, 18, 20, 21, 22, 23
WAIT, WAIT_TO, GET, REAP, NULLS, SUBMIT, SUBMIT2, RINGS = 24, 25, 26, 27, 28, 29, 30, 31
SECOND = 0x80


def prog(depth, flags, *ops):
    out = bytearray([depth, flags])
    for op in ops:
        out += bytes(op)
    return bytes(out)


def op(code, *args):
    return [code] + list(args)


def drain():
    return [op(SUBMIT), op(WAIT_TO, 7), op(REAP, 15)]


SEEDS = {
    "noop_wait": prog(3, 0, op(NOOP), op(NOOP), op(WAIT), op(WAIT), *drain()),
    "noop_full_sq": prog(0, 0, *[op(NOOP) for _ in range(6)], op(SUBMIT), op(REAP, 15)),
    "timeouts_all_clocks": prog(3, 0, op(TIMEOUT, 0, 1), op(TIMEOUT, 1, 0), op(TIMEOUT, 2, 4),
                                op(TIMEOUT, 4, 1), op(TIMEOUT, 5, 1), op(TIMEOUT, 6, 8),
                                op(TIMEOUT, 15, 3), op(WAIT), op(WAIT), op(WAIT), *drain()),
    "timeout_long_cancel": prog(2, 0, op(TIMEOUT, 0, 3), op(SUBMIT), op(CANCEL, 0), op(WAIT),
                                op(WAIT), op(CANCEL, 2), op(CANCEL, 3)),
    "cancel_invented": prog(2, 0, op(CANCEL, 3), op(CANCEL, 7), op(CANCEL, 11), op(NOOP), op(WAIT),
                            op(CANCEL, 2)),
    "exit_busy": prog(2, 0, op(TIMEOUT, 0, 3), op(RINGS, 1, 2, 0), op(SUBMIT), op(RINGS, 1, 2, 0),
                      op(CANCEL, 0), op(WAIT_TO, 7), op(WAIT_TO, 7), op(RINGS, 1, 2, 0)),
    "file_rw": prog(3, 0, op(RW, 1, 1, 2, 5, 16, 0), op(RW, 0, 1, 2, 5, 16, 0), op(RW, 2, 2, 3, 0, 100, 0),
                    op(RW, 3, 2, 3, 3, 100, 0), op(WAIT), op(WAIT), op(WAIT), op(WAIT), *drain()),
    "rw_invalid": prog(3, 0, op(RW, 0, 1, 0, 5, 4, 0), op(RW, 1, 1, 2, 2, 4, 0), op(RW, 0xc2, 1, 2, 5, 4, 0),
                       op(RW, 0x0a, 1, 0, 5, 4, 0), op(RW, 0, 7, 2, 5, 4, 0), op(RW, 0, 1, 1, 5, 4, 0),
                       *drain()),
    "pipe_rw": prog(3, 0, op(RW, 0, 0, 2, 0, 64, 0), op(SUBMIT), op(RW, 1, 0, 3, 0, 64, 0),
                    op(WAIT_TO, 7), op(WAIT_TO, 7), op(RW, 0x1a, 0, 2, 0, 200, 0), op(RW, 0x1b, 0, 2, 0, 200, 0),
                    *drain()),
    "open_close": prog(3, 0, op(OPEN, 2, 0, 0, 0), op(WAIT), op(OPEN, 0, 8, 1, 0), op(WAIT),
                       op(CLOSE, 0), op(WAIT), op(CLOSE, 1), op(OPEN, 4, 11, 0, 0), op(OPEN, 0, 6, 1, 0),
                       op(OPEN, 0, 0xff, 0, 0), op(OPEN, 0, 0xfe, 0, 0), op(OPEN, 7, 0, 5, 0), *drain()),
    "paths": prog(3, 0, op(PATH, 2, 2, 0, 0, 0), op(PATH, 5, 4, 4, 0, 0), op(PATH, 3, 0, 1, 0, 0),
                  op(PATH, 4, 1, 0, 0, 0), op(PATH, 0, 3, 0, 0, 0), op(PATH, 1, 0, 0, 0, 0),
                  op(PATH, 1, 2, 0, 0, 1), op(PATH, 0, 0xff, 0, 0, 0), op(PATH, 2, 0xfe, 0, 0, 0),
                  op(PATH, 5, 0xff, 4, 0, 0), op(PATH, 0, 12, 0, 7, 0x80), *drain()),
    "path_escape_beneath": prog(3, 0, op(OPEN, 1, 6, 0, 0), op(OPEN, 0, 6, 1, 0), op(PATH, 5, 0, 4, 0, 3),
                                op(WAIT), op(OPEN, 0, 4, 2, 0), op(OPEN, 0, 4, 1, 0), *drain()),
    "file_sync": prog(3, 0, op(PATH, 6, 0, 0, 1, 0), op(PATH, 6, 1, 3, 1, 2), op(PATH, 6, 2, 5, 1, 1),
                      op(PATH, 6, 3, 9, 1, 0), op(PATH, 6, 0, 0, 1, 0xc0), op(PATH, 6, 2, 0x40, 1, 4),
                      *drain()),
    "splice_poll": prog(3, 0, op(SPLICE_POLL, 1, 1, 0), op(SPLICE_POLL, 3, 0, 0), op(SPLICE_POLL, 8, 1, 0),
                        op(SUBMIT), op(RW, 1, 0, 2, 0, 32, 0), *drain()),
    "fixed_buffer": prog(3, 0, op(FIXED, 0, 2, 0, 0, 0, 0), op(FIXED, 1, 2, 1, 5, 100, 0),
                         op(FIXED, 2, 1, 1, 5, 100, 0), op(FIXED, 1, 200, 1, 5, 0, 32),
                         op(FIXED, 3, 0x41, 1, 0, 0x21, 0), op(FIXED, 3, 0x40, 1, 0x80, 0x21, 0),
                         op(FIXED, 0, 2, 0, 0, 0, 0), op(WAIT), op(WAIT), *drain(), op(FIXED, 0, 0, 0, 0, 0, 0),
                         op(FIXED, 2, 1, 1, 5, 100, 0), op(FIXED, 0, 0x81, 0, 0, 0, 0)),
    "region_chunks": prog(3, 0, op(FIXED, 0, 2, 0, 0, 0, 0), op(FIXED, 4, 1, 0, 0, 0, 0),
                          op(FIXED, 4, 0, 0, 0, 3, 0), op(FIXED, 4, 0, 0, 0, 4, 0), op(FIXED, 5, 20, 1, 5, 3, 0),
                          op(FIXED, 5, 21, 1, 5, 4, 0), op(FIXED, 5, 21, 1, 5, 9, 0), op(FIXED, 4, 0, 0, 0, 3, 0),
                          op(FIXED, 4, 2, 0, 0, 0, 0), op(FIXED, 4, 0x83, 0, 0, 0, 0), *drain()),
    "sockets": prog(3, 0, op(SOCKET, 0, 4, 0), op(WAIT), op(SOCKET, 1, 0, 1), op(SOCKET, 3, 0, 5),
                    op(SOCKET, 0, 4, 0), op(WAIT), op(SOCKET, 2, 1, 1), op(SOCKET, 4, 0, 0), op(SOCKET, 5, 1, 1),
                    op(SOCKET, 5, 1, 3), op(SOCKET, 0, 6, 0), op(SOCKET, 1, 0x40, 0), op(SOCKET, 2, 0x20, 0),
                    *drain()),
    "send_recv": prog(3, 0, op(NET, 1, 1, 2, 64, 0), op(NET, 0, 0, 2, 64, 0), op(WAIT_TO, 7),
                      op(NET, 0, 0x30, 2, 1, 0), op(NET, 1, 0, 0, 5, 0), op(NET, 2, 0, 2, 10, 0), *drain()),
    "send_msg_fds": prog(3, 0, op(NET, 4, 1, 2, 0, 0), op(NET, 3, 2, 3, 32, 0), op(NET, 3, 4, 2, 32, 0),
                         op(NET, 4, 1, 2, 0, 0), op(NET, 3, 0x82, 2, 32, 0), op(NET, 3, 8, 2, 32, 0),
                         op(WAIT_TO, 7), op(WAIT_TO, 7), *drain()),
    "multishot_recv": prog(3, 0, op(NET, 5, 0, 0, 0, 0), op(NET, 5, 1, 0, 0, 0), op(NET, 5, 0x80, 0, 0, 0),
                           op(NET, 5, 0x21, 0, 0, 0), op(NET, 0, 0, 2, 100, 0), op(NET, 5, 0x81, 0, 0, 0),
                           op(WAIT_TO, 7), op(NET, 6, 0, 0, 0, 0), *drain(), op(NET, 5, 0x81, 0, 0, 0)),
    "multishot_accept": prog(3, 0, op(SOCKET, 0, 4, 0), op(WAIT), op(SOCKET, 1, 0, 2), op(WAIT),
                             op(SOCKET, 3, 0, 4), op(WAIT), op(SOCKET, 6, 0, 0), op(SOCKET, 0, 4, 0), op(WAIT),
                             op(SOCKET, 2, 1, 2), op(WAIT_TO, 7), op(WAIT_TO, 7), *drain()),
    "links": prog(3, 0, op(NOOP), op(FLAGS, 0, 0x80), op(FLAGS, 2, 5), op(NOOP), op(FLAGS, 2, 5),
                  op(FLAGS, 8, 0x80), op(FLAGS, 24, 0x80), op(FLAGS, 0, 3), op(SUBMIT), op(FLAGS, 0, 0),
                  op(RW, 0, 0, 2, 0, 32, 0), op(FLAGS, 4, 0x80), op(NOOP), *drain()),
    "drain_flag": prog(3, 0, op(RW, 0, 0, 2, 0, 32, 0), op(NOOP), op(FLAGS, 8, 0x80), op(NOOP), op(SUBMIT),
                       op(WAIT), op(GET), *drain()),
    "fixed_files": prog(3, 0, op(FILES, 0, 4), op(FILES, 0, 3), op(FILES, 1, 1), op(FILES, 1, 7),
                        op(NOOP), op(FLAGS, 16, 0x80), op(FILES, 2, 0), op(FILES, 2, 0), op(FILES, 1, 0),
                        op(FILES, 0, 0), op(FILES, 0, 0x82), *drain()),
    "msg_ring": prog(3, 0, op(RINGS, 0, 2, 0), op(MSG, 1), op(MSG, 0), op(MSG, 2), op(MSG, 6),
                     op(WAIT), op(WAIT), op(SECOND | GET), op(SECOND | NOOP), op(SECOND | MSG, 0),
                     op(SECOND | WAIT), op(RINGS, 0, 0, 0), *drain()),
    "second_ring": prog(2, 3, op(RINGS, 0, 3, 3), op(SECOND | NOOP), op(SECOND | TIMEOUT, 0, 3), op(NOOP),
                        op(RINGS, 0, 0, 0), op(SECOND | SUBMIT), op(SECOND | CANCEL, 0),
                        op(SECOND | WAIT_TO, 7), op(SECOND | WAIT_TO, 7), op(RINGS, 0, 0, 0),
                        op(RINGS, 0, 4, 7), *drain()),
    "create_invalid": prog(3, 0, op(RINGS, 2, 0, 0), op(RINGS, 2, 1, 0), op(RINGS, 2, 2, 0), op(RINGS, 2, 3, 0),
                           op(RINGS, 1, 4, 0x13), op(NOOP), *drain()),
    "misc": prog(3, 0, op(MISC, 0, 0), op(MISC, 1, 3), op(MISC, 2, 5), op(MISC, 3, 0), op(MISC, 3, 0),
                 op(MISC, 3, 1), op(NOOP), op(WAIT), op(NULLS), op(REAP, 0)),
    "defer_taskrun": prog(3, 3, op(NOOP), op(TIMEOUT, 0, 1), op(RW, 0, 1, 2, 5, 16, 0), op(WAIT),
                          op(GET), op(REAP, 3), *drain()),
    "coop_taskrun": prog(3, 4, op(NOOP), op(NOOP), op(SUBMIT), op(GET), op(REAP, 3), *drain()),
    "small_cq_overflow": prog(4, 0x10, *[op(NOOP) for _ in range(16)], op(SUBMIT),
                              *[op(NOOP) for _ in range(16)], op(SUBMIT), op(REAP, 15), op(REAP, 15),
                              op(GET), *drain()),
    "sqpoll": prog(3, 7, op(NOOP), op(TIMEOUT, 0, 1), op(WAIT), op(WAIT), op(NOOP), op(FLAGS, 0, 0x80),
                   op(SUBMIT), op(WAIT_TO, 5), *drain()),
    "submit_all": prog(3, 5, op(NOOP), op(RW, 0, 7, 2, 5, 4, 0), op(NOOP), op(WAIT), *drain()),
}


def random_program(rng, n_ops):
    out = bytearray([rng.randrange(256), rng.choice([0, 1, 2, 3, 4, 5, 6, 0x10, 0x13])])
    for _ in range(n_ops):
        code = rng.randrange(32) | (0x80 if rng.random() < 0.15 else 0)
        out.append(code)
        out += bytes(rng.randrange(256) for _ in range(6))
    return bytes(out)


def main():
    dest = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(dest, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(dest, "seed_" + name), "wb") as f:
            f.write(data)
    rng = random.Random(6)
    for i in range(16):
        with open(os.path.join(dest, "random_%02d" % i), "wb") as f:
            f.write(random_program(rng, 20 + 8 * i))


if __name__ == "__main__":
    main()
