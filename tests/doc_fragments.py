#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Compiles every C fragment of the documentation under -Werror.

usage: doc_fragments.py [--run-with LIBCURING_A RUN_CC RUN_FLAGS] SOURCE_ROOT CC...

docs/api.md: each ```c block is compiled against include/uring.h with
-D_GNU_SOURCE (as the document says its examples need), in the first of
these forms that the block fits:
  - a block defining the types of section 1.1: alone, with the system
    headers it needs (it restates the header's structs, which C does not
    let a file define twice);
  - prototypes, macros, whole functions: at file scope after <uring.h>, so
    a prototype that disagrees with the header fails;
  - statements: inside a function, with the names the examples take as
    given (t, fd, sock, ...) declared, and section 1.3's wait_one helper.
README.md: each ```c block is a whole program and is compiled as written,
with -std=c11 -pedantic and nothing defined.
Every block is compiled with each CC given.  Exits 1 listing the blocks
that fail, with the compiler's messages.
With --run-with, the echo loop of section 8.2 (the block defining
echo_loop) is also built with RUN_CC and RUN_FLAGS (the library's own
compiler and sanitizer flags) into tests/doc_echo_loop.c, linked with that
library, and run: it must echo every byte of 16 clients back, in order.
"""
import os
import re
import subprocess
import sys
import tempfile

WARN = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic']

API_HEADERS = '''#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
'''

# What the statement examples use without declaring it.
GIVEN = '''uring *t, *a, *b;
int fd, out_fd, other_fd, sock, listen_fd, file_fd;
void *ctx;
char *big;
size_t big_len, len;
void handle(const uring_completion *c);
'''


def blocks(text):
    """(line number, code) of each ```c block."""
    out = []
    for m in re.finditer(r'^```c\n(.*?)^```', text, re.S | re.M):
        out.append((text.count('\n', 0, m.start()) + 2, m.group(1)))
    return out


def compile_ok(cc, code, include):
    with tempfile.NamedTemporaryFile('w', suffix='.c', delete=False) as f:
        f.write(code)
        name = f.name
    try:
        r = subprocess.run([cc] + WARN + ['-I', include, '-fsyntax-only', name],
                           capture_output=True, text=True)
        return r.returncode == 0, r.stderr.replace(name, '<fragment>')
    finally:
        os.unlink(name)


def unused_ok(code):
    # no unused-function warning where a block does not call the helper
    return code.replace('static int wait_one(', '__attribute__((unused)) static int wait_one(')


def wait_one_helper(api_blocks):
    for _, code in api_blocks:
        if re.search(r'^static int wait_one\(', code, re.M):
            return unused_ok(code)
    sys.exit('docs/api.md: the wait_one helper of section 1.3 is missing')


def api_forms(code, helper):
    if re.search(r'^typedef struct \w+ \{', code, re.M):
        return [('types', '#include <stdbool.h>\n#include <stdint.h>\n#include <sys/socket.h>\n' + code)]
    defines_helper = 'static int wait_one(' in code
    head = '#define _GNU_SOURCE 1\n' + API_HEADERS + '#include <uring.h>\n'
    file_scope = head + (unused_ok(code) if defines_helper else helper + code)
    includes = ''.join(l + '\n' for l in code.splitlines() if l.startswith('#include'))
    body = '\n'.join('\t' + l for l in code.splitlines() if not l.startswith('#include'))
    in_function = (head + includes + GIVEN + helper +
                   'int fragment(void);\nint fragment(void)\n{\n' + body + '\n\treturn 0;\n}\n')
    return [('file scope', file_scope), ('in a function', in_function)]


def run_echo_loop(cc, flags, root, lib, api, helper):
    """Builds and runs tests/doc_echo_loop.c around the echo_loop block."""
    code = next((c for _, c in api if 'echo_loop(' in c), None)
    if code is None:
        return 'docs/api.md: no block defines echo_loop'
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'echo_loop.c')
        with open(src, 'w') as f:
            f.write('#define _GNU_SOURCE 1\n' + API_HEADERS + '#include <uring.h>\n' + helper + code)
        exe = os.path.join(d, 'echo')
        r = subprocess.run([cc, '-std=c11', '-O1'] + flags.split() + ['-I', os.path.join(root, 'include'),
                            '-DECHO_LOOP_SOURCE="%s"' % src,
                            os.path.join(root, 'tests', 'doc_echo_loop.c'), lib, '-o', exe],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return 'the echo loop does not build:\n' + r.stderr
        r = subprocess.run([exe], capture_output=True, text=True, timeout=120)
        print(r.stdout, end='')
        if r.returncode != 0:
            return 'the echo loop failed:\n' + r.stdout + r.stderr
    return None


def main():
    args = sys.argv[1:]
    lib = None
    if args[:1] == ['--run-with']:
        lib, run_cc, run_flags, args = args[1], args[2], args[3], args[4:]
    if len(args) < 2:
        sys.exit(__doc__)
    root, ccs = args[0], args[1:]
    include = os.path.join(root, 'include')
    api = blocks(open(os.path.join(root, 'docs', 'api.md')).read())
    readme = blocks(open(os.path.join(root, 'README.md')).read())
    helper = wait_one_helper(api)
    failures, count = [], 0
    for cc in ccs:
        for doc, found in (('docs/api.md', api), ('README.md', readme)):
            for line, code in found:
                count += 1
                forms = api_forms(code, helper) if doc == 'docs/api.md' else [('as written', code)]
                errors = []
                for form, text in forms:
                    ok, err = compile_ok(cc, text, include)
                    if ok:
                        break
                    errors.append('  [%s]\n%s' % (form, err))
                else:
                    failures.append('%s:%d (%s):\n%s' % (doc, line, cc, ''.join(errors)))
    if len(api) < 50 or not readme:
        sys.exit('found %d api.md and %d README blocks: the extraction is broken' % (len(api), len(readme)))
    if lib:
        err = run_echo_loop(run_cc, run_flags, root, lib, api, helper)
        if err:
            failures.append(err)
    for f in failures:
        print(f)
    if failures:
        print('%d of %d fragment compilations failed' % (len(failures), count))
        return 1
    print('%d fragment compilations (%d api.md, %d README blocks, %s) passed under -Werror'
          % (count, len(api), len(readme), ', '.join(ccs)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
