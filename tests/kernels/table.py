#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The kernel matrix's table: kernel x test program, pass / skip / fail.

Usage: table.py COLUMNS TESTS_SH [DOC]

COLUMNS: one tab-separated line per kernel: label, kind, path, wall seconds.
kind "console": path is a VM's serial console log (tests/kernels/init and
run-tests.sh print `@@curing ...` lines); kind "meson": path is a meson
testlog.json of the host's own run.  TESTS_SH (tests/kernels/manifest.py)
gives the row order.  Prints the table and the failures; with DOC, replaces
the part of that file between the matrix markers.  Exits 1 on any failure
or on a kernel that did not boot or did not finish.
"""
import datetime
import json
import os
import re
import shlex
import signal
import sys

BEGIN = '<!-- matrix: written by ./curing.sh kernels (tests/kernels/table.py) -->'
END = '<!-- end of matrix -->'
ERROR_LINE = re.compile(r'ERROR|FAIL|error:|Failure|violated|Assertion|Sanitizer')


def skip_reason(text):
    reasons = []
    for line in text.splitlines():
        if line.startswith('skip: ') and line[6:] not in reasons:
            reasons.append(line[6:])
    if not reasons:
        names = re.findall(r'^\[  SKIPPED \] ([A-Za-z_0-9]+)$', text, re.M)
        reasons = ['skipped ' + ', '.join(names)] if names else ['exit status 77']
    return '; '.join(reasons)


def classify(rc, secs, limit, text):
    """(status, reason) of one run, as meson would see it, except that a
    cmocka program whose every test skipped is a skip, not a pass."""
    passed = re.search(r'^\[  PASSED  \] (\d+) test', text, re.M)
    skipped = re.search(r'^\[  SKIPPED \] (\d+) test', text, re.M)
    passed = int(passed.group(1)) if passed else None
    skipped = int(skipped.group(1)) if skipped else 0
    if rc == 77 or (rc == 0 and passed == 0 and skipped > 0):
        return 'skip', skip_reason(text)
    if rc == 0:
        if skipped:
            return 'pass', '%d of %d skipped: %s' % (skipped, passed + skipped, skip_reason(text))
        return 'pass', ''
    if limit is not None and rc in (137, -9) and secs >= limit:
        return 'fail', 'timed out after %d s' % limit
    if rc < 0 or rc > 128:
        sig = -rc if rc < 0 else rc - 128
        try:
            why = signal.Signals(sig).name
        except ValueError:
            why = 'signal %d' % sig
    else:
        why = 'exit status %d' % rc
    return 'fail', why + ': ' + failure_detail(text)


def failure_detail(text):
    """The failed cmocka tests by name, with the first error and where."""
    failed = list(dict.fromkeys(re.findall(r'^\[  FAILED  \] ([A-Za-z_0-9]+)$', text, re.M)))
    error = next((l.strip() for l in text.splitlines() if ERROR_LINE.search(l)
                  and 'FAILED' not in l), '')
    error = re.sub(r'^\[  ERROR   \] --- ', '', error)
    where = re.search(r'([A-Za-z_0-9]+\.c:\d+): error', text)
    # What the program said itself, beyond cmocka's lines.
    said = next((l.strip() for l in text.splitlines() if l.strip() and not l.startswith(('[', 'skip: ', ' ')) and not ERROR_LINE.search(l)), '')
    parts = []
    if failed:
        parts.append(', '.join(failed[:4]) + (' and %d more' % (len(failed) - 4) if len(failed) > 4 else ''))
    if error:
        parts.append('"%s"%s' % (error, ' at ' + where.group(1) if where else ''))
    if said:
        parts.append(said)
    return ': '.join(parts) if parts else 'no message'



def read_console(path):
    col = {'results': {}, 'booted': False, 'finished': False, 'version': '?', 'boot': None}
    logs = {}
    if not os.path.exists(path):   # qemu did not start
        return col
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            at = line.find('@@curing ')
            if at < 0:
                continue
            words = line[at:].split(' ')
            kind = words[1]
            if kind == 'boot':
                col['booted'] = True
                col['version'] = words[2] + ' ' + words[3]
                col['boot'] = float(words[4].split('=')[1])
                col['extra'] = ' '.join(words[5:])
            elif kind == 'log':
                name = words[2].rstrip(':')
                logs.setdefault(name, []).append(line[at:].split(': ', 1)[1] if ': ' in line[at:] else '')
            elif kind == 'result':
                name, rc, secs, limit = words[2], int(words[4]), int(words[5]), int(words[6])
                status, reason = classify(rc, secs, limit, '\n'.join(logs.get(name, [])))
                col['results'][name] = (status, reason, secs)
            elif kind == 'host-only':
                col['results'][words[2]] = ('host only', ' '.join(words[4:]), 0)
            elif kind == 'done':
                col['finished'] = True
    # A program that printed but has no result: the VM stopped under it.
    running = [n for n in logs if n not in col['results']]
    if running and not col['finished']:
        col['results'][running[-1]] = ('fail', 'the VM stopped while it ran (kernel hang or '
                                       'crash, or the VM time limit): '
                                       + failure_detail('\n'.join(logs[running[-1]])), 0)
    return col


def read_meson(path):
    col = {'results': {}, 'booted': True, 'finished': True, 'boot': None}
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            name = t['name'].split(' / ', 1)[1]
            text = (t.get('stdout') or '') + '\n' + (t.get('stderr') or '')
            if t['result'] == 'TIMEOUT':
                status, reason = 'fail', 'timed out'
            else:
                status, reason = classify(t['returncode'], t['duration'], None, text)
            col['results'][name] = (status, reason, t['duration'])
    return col


def cell(result):
    if result is None:
        return 'not run'
    status, reason, _ = result
    text = status + (': ' + reason if reason and status != 'host only' else '')
    if status == 'pass' and reason:
        text = 'pass (%s)' % reason
    return text.replace('|', '\\|')


def main():
    columns_file, tests_sh = sys.argv[1:3]
    doc = sys.argv[3] if len(sys.argv) > 3 else None
    rows = []
    with open(tests_sh) as f:
        for line in f:
            if line.startswith(('run_test ', 'host_only ')):
                words = shlex.split(line)
                rows.append((words[1], words[2]))
    cols = []
    with open(columns_file) as f:
        for line in f:
            label, kind, path, wall = line.rstrip('\n').split('\t')
            col = read_console(path) if kind == 'console' else read_meson(path)
            col['label'], col['wall'], col['kind'], col['path'] = label, float(wall), kind, path
            if kind == 'meson':
                col['version'] = label.split(' ')[0] + ' (native)'
            cols.append(col)

    out = []
    out.append('| program | suite | ' + ' | '.join(c['label'] for c in cols) + ' |')
    out.append('|---|---|' + '---|' * len(cols))
    for name, suite in rows:
        out.append('| %s | %s | ' % (name, suite)
                   + ' | '.join(cell(c['results'].get(name)) for c in cols) + ' |')
    out.append('')
    out.append('| kernel | version | pass | skip | fail | boot (s) | whole run (s) |')
    out.append('|---|---|---|---|---|---|---|')
    failures = []
    for c in cols:
        n = {s: 0 for s in ('pass', 'skip', 'fail')}
        for name, _ in rows:
            r = c['results'].get(name)
            if r and r[0] in n:
                n[r[0]] += 1
            if r and r[0] == 'fail':
                failures.append('- %s, %s: %s' % (c['label'], name, r[1]))
        state = ''
        if not c['booted']:
            state = ' (did not boot)'
        elif not c['finished']:
            state = ' (did not finish)'
        if state:
            failures.append('- %s: %s (its serial console: %s)' % (c['label'], state[2:-1], c['path']))
        boot = '%.1f' % c['boot'] if c['boot'] is not None else ('-' if c['kind'] == 'console' else 'native')
        out.append('| %s%s | %s | %d | %d | %d | %s | %.0f |' % (
            c['label'], state, c.get('version', '?'), n['pass'], n['skip'], n['fail'], boot, c['wall']))
    ok = not failures
    out.append('')
    out.append('Failures:' if failures else 'No failures.')
    out.extend(failures)
    text = '\n'.join(out) + '\n'
    print(text, end='')

    if doc:
        with open(doc) as f:
            old = f.read()
        head, rest = old.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
        with open(doc, 'w') as f:
            f.write(head + BEGIN + '\nRun of %s.\n\n' % date + text + END + tail)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
