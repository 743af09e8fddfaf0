#!/usr/bin/env python3
"""Checks the layers of the house: cmd/ -> lib/ -> lib/util/.

  check-layers.py includes <src>   lib/util includes only its own headers
  check-layers.py cmd <src>        cmd/ reads no struct para_repo field and
                                   calls no libgit2 function
  check-layers.py cycles <build>   no call circle among lib/ objects

Prints each breach and exits 1 if there is one.
"""
import collections
import glob
import os
import re
import subprocess
import sys


def includes(src):
    util = os.path.join(src, 'lib', 'util')
    own = set(os.listdir(util))
    bad = []
    for path in sorted(glob.glob(os.path.join(util, '*.[ch]'))):
        for n, line in enumerate(open(path), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m and m.group(1) not in own:
                bad.append('%s:%d: includes "%s"' % (path, n, m.group(1)))
            m = re.match(r'\s*#\s*include\s+<git2', line)
            if m:
                bad.append('%s:%d: includes libgit2' % (path, n))
    return bad


def cmd(src):
    bad = []
    for path in sorted(glob.glob(os.path.join(src, 'cmd', '*.c'))):
        for n, line in enumerate(open(path), 1):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', line)
            if re.search(r'\brepo->', code):
                bad.append('%s:%d: reads a field of struct para_repo' % (path, n))
            m = re.search(r'\bgit_[a-z0-9_]+\s*\(', code)
            if m:
                bad.append('%s:%d: calls libgit2 (%s)' % (path, n, m.group(0)))
    return bad


def cycles(build):
    objs = sorted(glob.glob(os.path.join(build, 'lib', '*.o')) +
                  glob.glob(os.path.join(build, 'lib', 'util', '*.o')))
    defs, uses = {}, collections.defaultdict(set)
    for o in objs:
        out = subprocess.run(['nm', o], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'TDBR':
                defs[p[2]] = o
            elif len(p) == 2 and p[0] == 'U':
                uses[o].add(p[1])
    graph = {o: {defs[u] for u in uses[o] if u in defs and defs[u] != o}
             for o in objs}
    # Tarjan's strongly connected components, iteratively
    index, low, on, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(root):
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(comp)

    for o in objs:
        if o not in index:
            visit(o)
    bad = []
    for comp in found:
        names = sorted(os.path.basename(c) for c in comp)
        bad.append('call circle: ' + ' '.join(names))
        for a in sorted(comp):
            for b in sorted(graph[a] & set(comp)):
                calls = sorted(u for u in uses[a] if defs.get(u) == b)
                bad.append('  %s -> %s (%s)' % (os.path.basename(a),
                           os.path.basename(b), ', '.join(calls[:3])))
    return bad


def main():
    what, where = sys.argv[1], sys.argv[2]
    bad = {'includes': includes, 'cmd': cmd, 'cycles': cycles}[what](where)
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
