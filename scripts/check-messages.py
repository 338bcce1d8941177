#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks every csra_result_add call in the library and its tools: the
message template (the sixth argument) is a string literal or a choice of
string literals (csra_result_add keeps only the pointer, and formats it when
the check is read), and every conversion in it is one csra_result_add
takes (verify/src/csra_verify_int.h).

usage: scripts/check-messages.py [SOURCE_DIR]"""
import os
import re
import sys

CONV = re.compile(r'%([-+ #0]*)(\*|[1-9][0-9]*)?(?:\.(\*|[0-9]*))?(hh|h|ll|l|j|z|t|L)?(.)?')
INTS = set('diuoxX')
FLOATS = set('eEfFgGaA')


def split_args(s):
    """The top-level comma-separated arguments of a call's text."""
    args, depth, cur, i = [], 0, '', 0
    while i < len(s):
        c = s[i]
        if c == '"' or c == "'":
            j = i + 1
            while s[j] != c:
                j += 2 if s[j] == '\\' else 1
            cur += s[i:j + 1]
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if c == ',' and depth == 0:
            args.append(cur.strip())
            cur = ''
        else:
            cur += c
        i += 1
    args.append(cur.strip())
    return args


def call_text(src, start):
    """The text between the parentheses of the call opening at |start|."""
    i, depth = start, 1
    while depth:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == '\\' else 1
            i = j + 1
            continue
        depth += c == '('
        depth -= c == ')'
        i += 1
    return src[start:i - 1]


# Literals, and macros that expand to them (an identifier concatenated
# with literals: the compiler's -Wformat-nonliteral is the final word).
LIT = r'(?:(?:"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\\\n)\s*)+'
LITERALS = re.compile(r'^\(?\s*(' + LIT + r')\s*\)?$', re.S)
CHOICE = re.compile(r'^[^?]+\?\s*(' + LIT + r')\s*:\s*(' + LIT + r')$', re.S)


def literal_text(lit):
    return ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', lit))


def bad_conversions(text):
    bad, i, nargs = [], 0, 0
    while True:
        i = text.find('%', i)
        if i < 0:
            if nargs > 32:  # MAX_ARGS in csra_result.c
                bad.append('%d arguments' % nargs)
            return bad
        m = CONV.match(text, i)
        flags, width, prec, lm, c = m.groups()
        ok = (c == '%' and m.end() - i == 2) or \
            (c in INTS and lm != 'L') or \
            (c in FLOATS and lm in (None, 'l')) or \
            (c in ('c', 's', 'p') and lm is None)
        if c != '%':
            nargs += 1 + (width == '*') + (prec == '*')
        if not ok or len(flags) > 5 or (width and len(width) > 9) or (prec and len(prec) > 9):
            bad.append(m.group(0))
        i = m.end()


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    problems, calls = [], 0
    for d in ('verify', 'runtime', 'attest', 'tools'):
        for root, _, files in os.walk(os.path.join(top, d)):
            for f in sorted(files):
                if not f.endswith('.c'):
                    continue
                path = os.path.join(root, f)
                src = open(path, encoding='utf-8', errors='replace').read()
                for m in re.finditer(r'\bcsra_result_add\s*\(', src):
                    line = src.count('\n', 0, m.start()) + 1
                    if re.match(r'int\s', src[max(0, m.start() - 4):m.start()]):
                        continue  # the definition
                    args = split_args(call_text(src, m.end()))
                    where = '%s:%d' % (os.path.relpath(path, top), line)
                    if len(args) < 6:
                        problems.append('%s: csra_result_add with %d arguments' % (where, len(args)))
                        continue
                    # Inside a macro whose parameter is the template: its
                    # uses in this file give the templates.
                    start = src.rfind('\n', 0, m.start()) + 1
                    while start > 0 and src[start - 2] == '\\':
                        start = src.rfind('\n', 0, start - 1) + 1
                    mac = re.match(r'#define\s+(\w+)\(([^)]*)\)', src[start:])
                    params = [a.strip() for a in mac.group(2).split(',')] if mac else []
                    if mac and args[5].strip() in params:
                        k = params.index(args[5].strip())
                        for u in re.finditer(r'\b%s\s*\(' % mac.group(1), src):
                            if u.start() == start + mac.start(1):
                                continue
                            uargs = split_args(call_text(src, u.end()))
                            uwhere = '%s:%d' % (os.path.relpath(path, top), src.count('\n', 0, u.start()) + 1)
                            check_template(uargs[k] if len(uargs) > k else '', uwhere, problems)
                            calls += 1
                        continue
                    calls += 1
                    check_template(args[5], where, problems)
    for p in problems:
        print(p)
    if calls < 100:
        problems.append('only %d calls found: the scan is broken' % calls)
        print(problems[-1])
    print('%d csra_result_add calls, %d problem(s)' % (calls, len(problems)))
    return 1 if problems else 0


def check_template(fmt, where, problems):
    lit, choice = LITERALS.match(fmt), CHOICE.match(fmt)
    if '"' not in fmt:
        lit = choice = None  # a variable: not a template we can vouch for
    if lit:
        texts = [literal_text(lit.group(1))]
    elif choice:
        texts = [literal_text(choice.group(1)), literal_text(choice.group(2))]
    else:
        problems.append('%s: the message template is not a string literal: %s' % (where, fmt))
        return
    for t in texts:
        for b in bad_conversions(t):
            problems.append('%s: conversion %r is not one csra_result_add takes' % (where, b))


if __name__ == '__main__':
    sys.exit(main())
