#!/usr/bin/env python3
"""Checks that the tree keeps the shape docs/architecture.md describes.

  tools/check-layers.py [BUILD_DIR]

1. Includes: a file may include headers of its own folder and of folders
   below it in LAYERS, never above (nor a sibling of the same rank).
2. Calls: from the object files of BUILD_DIR (nm), which source file calls
   which. No call may go to a higher layer, and no group of files may call
   each other in a cycle (Tarjan's strongly connected components), even
   inside one folder.
3. Names: a file's exported functions start with its name (CZMQ's rule:
   zcert.c holds zcert_*; a plural file name may hold the singular), except
   request handlers (ops_<request>, listed in server/rpc/requests.c) and the
   reflectd subcommands (cmd_<name> in server/app/cmd_*.c).
4. The wire: below server/call (WIRE_FREE), no file includes the generated
   reflect.pb-c.h or common/wire.h, or names a Reflect__V1__ type, constant
   or function: the store answers in plain structs, and the request layer
   turns them into messages.

Prints what it checked; exits 1 on any finding. Without BUILD_DIR only the
includes are checked; with one that holds no object file of the tree, it
fails (exit 1) rather than pass having checked no call. Objects of sources
that no longer exist are skipped; an object older than its source is a
finding. ctest runs it as check_layers, after the build (CMakeLists.txt).
"""
import collections
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lowest first. A folder may use those before it in its own list.
LAYERS = [
    ["common", "server/vault", "server/domain", "server/core", "server/keys", "server/store", "server/call",
     "server/jobs", "server/events", "server/reports", "server/ops", "server/rpc", "server/net",
     "server/app"],
    ["common", "client/lib", "client/render", "client/cli/core", "client/cli/render", "client/cli/commands", "client/cli"],
    ["common", "client/lib", "client/render", "client/web/core", "client/web/state", "client/web/http", "client/web/pages",
     "client/web"],
]
GENERATED = {"reflect.pb-c.h"}
WIRE_FREE = ["server/vault", "server/domain", "server/core", "server/keys", "server/store"]
WIRE_HEADERS = {"reflect.pb-c.h", "wire.h"}
WIRE_NAME = re.compile(r"\b(Reflect__V1__|REFLECT__V1__|reflect__v1__)\w*")  # protoc-c output: the wire format, at the bottom with common


def rank_of(folder):
    """{stack index: rank} for every stack the folder is in."""
    return {i: s.index(folder) for i, s in enumerate(LAYERS) if folder in s}


def below_or_same(user, used):
    """used is in user's folder or a lower one of a stack they share."""
    if user == used:
        return True
    ru, rd = rank_of(user), rank_of(used)
    return any(k in ru and rd[k] < ru[k] for k in rd)


def sources():
    out = []
    for top in ("common", "server", "client"):
        for path in glob.glob(os.path.join(ROOT, top, "**", "*.[ch]"), recursive=True):
            out.append(os.path.relpath(path, ROOT))
    return sorted(out)


def folder(rel):
    d = os.path.dirname(rel)
    if d.startswith("client/lib"):
        return "client/lib"  # its public headers live in lib/include/reflect/
    return d


def check_includes(files, findings):
    headers = collections.defaultdict(list)
    for f in files:
        if f.endswith(".h"):
            headers[os.path.basename(f)].append(f)
            if "lib/include/" in f:
                headers["reflect/" + os.path.basename(f)].append(f)
    n = 0
    for f in files:
        for line_no, line in enumerate(open(os.path.join(ROOT, f), encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            n += 1
            inc = m.group(1)
            if inc in GENERATED:
                continue
            found = headers.get(inc)
            if not found:
                findings.append(f"{f}:{line_no}: includes {inc}, which is no header of the tree")
                continue
            if len(found) > 1:
                findings.append(f"{f}:{line_no}: {inc} names {len(found)} headers: {', '.join(found)}")
                continue
            if not below_or_same(folder(f), folder(found[0])):
                findings.append(f"{f}:{line_no}: {folder(f)} includes {found[0]}, from a layer above or beside it")
    return n


def check_wire(files, findings):
    """Files below server/call that know the wire format; returns how many were checked."""
    n = 0
    for f in files:
        if folder(f) not in WIRE_FREE:
            continue
        n += 1
        for line_no, line in enumerate(open(os.path.join(ROOT, f), encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m and m.group(1) in WIRE_HEADERS:
                findings.append(f"{f}:{line_no}: includes {m.group(1)}: {folder(f)} is below the wire (server/call)")
            w = WIRE_NAME.search(line)
            if w:
                findings.append(f"{f}:{line_no}: names {w.group(0)}: {folder(f)} is below the wire (server/call)")
    return n


def objects(build):
    """{source path relative to ROOT: object file} from CMake's object dirs."""
    out = {}
    for obj in glob.glob(os.path.join(build, "**", "CMakeFiles", "*.dir", "**", "*.c.o"), recursive=True):
        # build/server/ops/CMakeFiles/reflectd_ops.dir/ops_users.c.o -> server/ops/ops_users.c
        rel = os.path.relpath(obj, build)
        parts = rel.split(os.sep)
        i = parts.index("CMakeFiles")
        src = os.path.join(*parts[:i], *parts[i + 2:])[:-2]
        if src.split(os.sep)[0] in ("common", "server", "client") and os.path.exists(os.path.join(ROOT, src)):
            out[src] = obj
    return out


def symbols(objs):
    defs, uses, funcs = {}, collections.defaultdict(set), collections.defaultdict(list)
    for src, obj in objs.items():
        text = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        for line in text.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBR":
                defs[p[2]] = src
                if p[1] == "T":
                    funcs[src].append(p[2])
            elif len(p) == 2 and p[0] == "U":
                uses[src].add(p[1])
    return defs, uses, funcs


def strongly_connected(nodes, edges):
    index, low, stack, on, groups, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            groups.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return groups


def check_calls(build, findings):
    objs = objects(build)
    if not objs:
        # A wrong or unbuilt directory would otherwise pass with nothing checked.
        sys.exit(f"check-layers: no object files of common/, server/ or client/ under {build}: build it first")
    for src, obj in sorted(objs.items()):
        # Objects older than their source would check yesterday's calls.
        if os.path.getmtime(obj) < os.path.getmtime(os.path.join(ROOT, src)):
            findings.append(f"{obj} is older than {src}: rebuild before checking")
    defs, uses, funcs = symbols(objs)
    edges = collections.defaultdict(set)
    why = {}
    for src, used in uses.items():
        for sym in used:
            dst = defs.get(sym)
            if dst and dst != src:
                edges[src].add(dst)
                why.setdefault((src, dst), sym)
    n_edges = sum(len(v) for v in edges.values())
    for src in sorted(edges):
        for dst in sorted(edges[src]):
            if not below_or_same(folder(src), folder(dst)):
                findings.append(f"{src} calls {why[(src, dst)]} in {dst}, a layer above or beside it")
    cycles = [g for g in strongly_connected(objs.keys(), edges) if len(g) > 1]
    for g in cycles:
        findings.append(f"{len(g)} files call each other in a cycle: {' '.join(g)}")
    return len(objs), n_edges, funcs


def check_names(funcs, findings):
    handlers = set(re.findall(r"\b(ops_\w+)\b", open(os.path.join(ROOT, "server/rpc/requests.c")).read()))
    n = 0
    for src, names in sorted(funcs.items()):
        base = os.path.splitext(os.path.basename(src))[0]
        prefixes = [base + "_"]
        if base.endswith("s"):
            prefixes.append(base[:-1] + "_")
        for sym in names:
            n += 1
            if sym == "main" or sym == base or any(sym.startswith(p) for p in prefixes):
                continue
            if src.startswith("server/ops/") and sym in handlers:
                continue
            if src.startswith("server/app/cmd_") and sym.startswith("cmd_"):
                continue
            findings.append(f"{src}: {sym} does not start with {base}_")
    return n


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else None
    findings = []
    files = sources()
    n_inc = check_includes(files, findings)
    print(f"check-layers: {len(files)} files, {n_inc} includes checked against {sum(len(s) for s in LAYERS)} layers")
    n_wire = check_wire(files, findings)
    print(f"check-layers: {n_wire} files below server/call checked for the wire format")
    if build:
        n_files, n_edges, funcs = check_calls(build, findings)
        n_names = check_names(funcs, findings)
        print(f"check-layers: {n_files} object files, {n_edges} file-to-file calls, {n_names} exported functions")
    for f in findings:
        print("check-layers: " + f)
    print(f"check-layers: {len(findings)} findings" + ("" if findings else ": no call or include goes up a layer, no cycle"))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
