#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Man pages from docs/api.md, the one source of the API's documentation.

usage: gen_man.py --list API_MD               the page file names, one a line
       gen_man.py --out DIR --version V API_MD  writes the pages into DIR

Section 3: one page per function heading of api.md (a heading whose text
is backquoted names, "### `uring_read`, `uring_write`"), named after the
first name; the other names get a page holding only ".so man3/FIRST.3".
A page holds the heading's text: its code block as the SYNOPSIS, the rest
as the DESCRIPTION; the intro of the enclosing section as NOTES; the
enclosing section's "Example" headings as EXAMPLES.  The NAME summary is the
function index's.  Section 7: curing(7), from the document's intro and its
sections on conventions, the OCaml correspondence and limits.

New sections and functions need no change here as long as they follow the
same shape: a function heading of backquoted names, one level below the
section heading that holds it.
"""
import argparse
import os
import re
import sys

FUNC_HEADING = re.compile(r'^(#{3,4}) (`\w+`(?:, `\w+`)*)\s*$')
HEADING = re.compile(r'^(#{1,6}) (.*)$')
CURING7_SECTIONS = ('1.', '9.', '10.')   # conventions, OCaml to C, limits


# ---------------------------------------------------------------- parsing

def headings(lines):
    """(index, level, text) of every heading outside code fences."""
    out, fence = [], False
    for i, line in enumerate(lines):
        if line.startswith('```'):
            fence = not fence
        elif not fence:
            m = HEADING.match(line)
            if m:
                out.append((i, len(m.group(1)), m.group(2)))
    return out


def section_end(heads, k, nlines):
    """The line after heading k's text: the next heading at its level or above."""
    level = heads[k][1]
    for i, lv, _ in heads[k + 1:]:
        if lv <= level:
            return i
    return nlines


def summaries(lines):
    out = {}
    for line in lines:
        m = re.match(r'^\| `(\w+)` \| [\w.]+ \| (.*) \|$', line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def pages(text):
    """Each function page: names, body lines, the parent's intro, examples, siblings."""
    lines = text.split('\n')
    heads = headings(lines)
    found = []
    for k, (i, level, title) in enumerate(heads):
        m = FUNC_HEADING.match(lines[i])
        if not m:
            continue
        names = re.findall(r'`(\w+)`', m.group(2))
        parent = max((j for j in range(k) if heads[j][1] < level), default=None)
        intro, examples, siblings = [], [], []
        if parent is not None:
            p_end = section_end(heads, parent, len(lines))
            first_child = next((h[0] for h in heads[parent + 1:] if h[0] < p_end), p_end)
            intro = lines[heads[parent][0] + 1:first_child]
            for j in range(parent + 1, len(heads)):
                hi, hl, ht = heads[j]
                if hi >= p_end:
                    break
                if hl != level:
                    continue
                if ht.startswith('Example'):
                    examples.append((ht, lines[hi + 1:section_end(heads, j, len(lines))]))
                else:
                    fm = FUNC_HEADING.match(lines[hi])
                    if fm:
                        siblings.append(re.findall(r'`(\w+)`', fm.group(2))[0])
        found.append({'names': names, 'body': lines[i + 1:section_end(heads, k, len(lines))],
                      'parent': heads[parent][2] if parent is not None else '',
                      'intro': intro, 'examples': examples, 'siblings': siblings})
    return found, lines, heads


# ---------------------------------------------------------------- roff

def esc(s):
    s = s.replace('\\', '\\e').replace('-', '\\-')
    return s


TICK = '\x00'   # a backquote the text escaped (\`), kept out of code spans


def inline(s):
    """Markdown inline text to roff: code, bold, links; escapes."""
    s = s.replace('\\`', TICK)
    out, pos = [], 0
    for m in re.finditer(r'`([^`]*)`', s):
        out.append(prose(s[pos:m.start()]))
        out.append('\\fB' + esc(m.group(1)) + '\\fR')
        pos = m.end()
    out.append(prose(s[pos:]))
    return ''.join(out).replace(TICK, '`')


def prose(s):
    s = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', s)
    s = s.replace('\\', '\\e')
    s = re.sub(r'\*\*([^*]+)\*\*', r'\\fB\1\\fR', s)
    return s


def line_out(s):
    """A text line, safe from being read as a request."""
    s = s.strip()
    return '\\&' + s if s.startswith(('.', "'")) else s


def code_lines(code):
    out = []
    for line in code:
        line = esc(line.replace('\t', '        '))
        out.append('\\&' + line if line else '')
    return out


def table(rows):
    """A table as tagged paragraphs: the first cell as the tag; with more
    than two columns, each other cell after its column's name."""
    def split(row):
        cells = re.split(r'(?<!\\)\|', row.strip()[1:-1])
        return [c.strip().replace('\\|', '|') for c in cells]
    cells = [split(r) for r in rows]
    head, body = cells[0], cells[2:]
    out = []
    for r in body:
        out += ['.TP', line_out(inline(r[0]))]
        rest = [(h, c) for h, c in zip(head[1:], r[1:]) if c]
        for n, (h, c) in enumerate(rest):
            if n:
                out.append('.br')
            text = inline(c) if len(head) == 2 else inline(h) + ': ' + inline(c)
            out.append(line_out(text))
    return out


def blocks_to_roff(lines, skip_first_code=False):
    """Markdown block text to roff requests."""
    out, i, para, skipped = [], 0, [], not skip_first_code

    def flush():
        if para:
            out.append('.PP')
            out.append(line_out(inline(' '.join(p.strip() for p in para))))
            para.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith('```'):
            flush()
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            code = lines[i + 1:j]
            if not skipped:
                skipped = True
            else:
                out += ['.PP', '.in +4n', '.nf'] + code_lines(code) + ['.fi', '.in']
            i = j + 1
        elif line.startswith('|'):
            flush()
            j = i
            while j < len(lines) and lines[j].startswith('|'):
                j += 1
            out += table(lines[i:j])
            i = j
        elif re.match(r'^(\s*)[-*] ', line) or re.match(r'^\d+\. ', line):
            flush()
            item = [re.sub(r'^(\s*[-*]|\d+\.) ', '', line)]
            i += 1
            while i < len(lines) and lines[i].startswith('  ') and lines[i].strip():
                item.append(lines[i])
                i += 1
            out += ['.IP \\(bu 2', line_out(inline(' '.join(p.strip() for p in item)))]
        elif line.strip() == '---':
            flush()
            i += 1
        elif HEADING.match(line):
            flush()
            out += ['.SS "' + inline(HEADING.match(line).group(2)).replace('"', '') + '"']
            i += 1
        elif not line.strip():
            flush()
            i += 1
        else:
            para.append(line)
            i += 1
    flush()
    return out


def synopsis(body):
    for j, line in enumerate(body):
        if line.startswith('```'):
            k = j + 1
            while k < len(body) and not body[k].startswith('```'):
                k += 1
            return body[j + 1:k]
    return []


def th(name, section, version):
    # .nh: names like uring_register_files_update are not to be hyphenated
    return ['.TH %s %s "" "curing %s" "curing manual"' % (name.upper(), section, version), '.nh']


def function_page(p, index, version):
    first = p['names'][0]
    summary = '; '.join(dict.fromkeys(index.get(n, n) for n in p['names']))
    out = ["'\\\" -*- nroff -*-, generated from docs/api.md by man/gen_man.py: edit that"]
    out += th(first, 3, version)
    out += ['.SH NAME', '%s \\- %s' % (esc(', '.join(p['names'])), prose(summary).replace('`', ''))]
    out += ['.SH SYNOPSIS', '.nf', '.B #include <uring.h>', '.PP'] + code_lines(synopsis(p['body']))
    out += ['.fi', '.PP', 'Link with \\fB\\-lcuring\\fR (\\fBpkg\\-config \\-\\-libs curing\\fR).']
    out += ['.SH DESCRIPTION'] + blocks_to_roff(p['body'], skip_first_code=True)
    if p['examples']:
        out.append('.SH EXAMPLES')
        for title, body in p['examples']:
            if title != 'Example':
                out += ['.SS "' + inline(title).replace('"', '') + '"']
            out += blocks_to_roff(body)
    intro = blocks_to_roff(p['intro'])
    if intro:
        out += ['.SH NOTES', '.PP', line_out(inline(p['parent']) + ':')] + intro
    see = [s for s in p['siblings'] if s != first]
    out += ['.SH SEE ALSO'] + [('.BR %s (3),' % esc(s)) for s in see] + ['.BR curing (7)']
    return '\n'.join(out) + '\n'


def curing7(lines, heads, version):
    out = ["'\\\" -*- nroff -*-, generated from docs/api.md by man/gen_man.py: edit that"]
    out += th('curing', 7, version)
    out += ['.SH NAME', 'curing \\- Linux io_uring for C, mirroring OCaml\'s Uring module']
    first = next(h[0] for h in heads if h[1] == 2)
    intro = [l for l in lines[1:first] if not l.startswith('#')]
    out += ['.SH DESCRIPTION'] + blocks_to_roff(intro)
    for k, (i, level, title) in enumerate(heads):
        if level == 2 and title.startswith(CURING7_SECTIONS):
            name = re.sub(r'^[\d.]+\s*', '', title).replace('`', '').upper()
            out += ['.SH "' + esc(name) + '"']
            out += blocks_to_roff(lines[i + 1:section_end(heads, k, len(lines))])
    out += ['.SH SEE ALSO', 'Every function has its page in section 3, e.g.',
            '.BR uring_create (3),', '.BR uring_wait (3),', '.BR uring_unavailable_reason (3);',
            'the source distribution documents the design in \\fBdocs/design.md\\fR.',
            '.BR io_uring_setup (2)']
    return '\n'.join(out) + '\n'


def outputs(text):
    found, _, _ = pages(text)
    names = [n for p in found for n in p['names']]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit('docs/api.md: functions with two headings: %s' % ', '.join(sorted(dup)))
    return found, [n + '.3' for n in names] + ['curing.7']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--out')
    ap.add_argument('--version', default='')
    ap.add_argument('api_md')
    a = ap.parse_args()
    text = open(a.api_md).read()
    found, names = outputs(text)
    if a.list:
        print('\n'.join(names))
        return
    lines = text.split('\n')
    heads = headings(lines)
    index = summaries(lines)
    os.makedirs(a.out, exist_ok=True)
    for p in found:
        first = p['names'][0]
        with open(os.path.join(a.out, first + '.3'), 'w') as f:
            f.write(function_page(p, index, a.version))
        for other in p['names'][1:]:
            with open(os.path.join(a.out, other + '.3'), 'w') as f:
                f.write('.so man3/%s.3\n' % first)
    with open(os.path.join(a.out, 'curing.7'), 'w') as f:
        f.write(curing7(lines, heads, a.version))


if __name__ == '__main__':
    main()
