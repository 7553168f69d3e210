#!/usr/bin/env python3
"""Checks the module graph: what each target imports against what Package.swift declares for
it, and against the graph Docs/Architecture.md describes (GRAPH below).

Fails (exit 1), naming the file, when:
- a target imports a module it does not declare in Package.swift (an undeclared edge);
- a target declares a dependency it never imports (the manifest says more than the code);
- a target imports a module that GRAPH does not allow it (a forbidden edge), even if declared.

System modules (Foundation, Glibc, Synchronization, Testing, ...) are allowed everywhere.

Usage: Scripts/check-imports.py [--root DIR] [--self-test]
"""

import argparse
import os
import re
import sys

SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Synchronization", "Testing", "Dispatch", "XCTest"}

# The module graph: for each target, the modules it may import. First-party modules are
# Model, Stores (the store protocols, no engine), SQLiteStore (the stores on SQLite: the only
# module that may import GRDB), PostgresStore (the server's store on PostgreSQL: the only
# module that may import PostgresNIO), Sync, Application (what the server does), RPC, Reports,
# Server (assure-server), FieldClient (assure), TestSupport and StoreTestSupport. The
# executables open their store (they choose the engine) and otherwise speak to Stores'
# protocols. Tests may import GRDB or PostgresNIO to look at a database directly.
GRAPH = {
    "Model": set(),
    "Stores": {"Model", "Crypto"},
    "SQLiteStore": {"Model", "Stores", "Crypto", "GRDB", "Metrics"},
    "PostgresStore": {"Model", "Stores", "Logging", "Metrics", "NIOCore", "NIOPosix", "PostgresNIO"},
    "Sync": {"Model", "Stores"},
    "Application": {"Model", "Stores", "Sync", "Crypto"},
    "RPC": {"Model", "Sync", "GRPCCore", "GRPCProtobuf", "SwiftProtobuf"},
    "Reports": {"Model"},
    "Web": {
        "Application", "Model", "Reports", "Stores", "Crypto", "HTTPTypes", "Hummingbird", "HummingbirdCore",
        "HummingbirdHTTP2", "Logging", "Mustache", "NIOCore", "NIOSSL",
    },
    "WebTests": {"Model", "Web"},
    "Server": {
        "Application", "Model", "PostgresStore", "Reports", "RPC", "SQLiteStore", "Stores", "Sync", "Web", "ArgumentParser", "Configuration", "GRPCCore", "GRPCNIOTransportHTTP2", "Logging",
        "Metrics", "NIOCore", "NIOHTTP1", "NIOHTTP2", "NIOPosix", "Prometheus", "ServiceLifecycle", "SwiftProtobuf",
        "UnixSignals",
    },
    "FieldClient": {
        "Model", "Reports", "RPC", "SQLiteStore", "Stores", "Sync", "ArgumentParser", "GRPCCore", "GRPCNIOTransportHTTP2",
    },
    # The bare grpc-swift-2 reference server of Scripts/bench-rpc.sh: the library, nothing of Assure.
    "BenchEcho": {"GRPCCore", "GRPCNIOTransportHTTP2"},
    "TestSupport": {"Model"},
    "StoreTestSupport": {"PostgresStore", "SQLiteStore", "Stores", "TestSupport", "GRDB", "Logging", "PostgresNIO"},
    "PostgresStoreTests": {"Model", "PostgresStore", "StoreTestSupport", "Stores", "PostgresNIO"},
    "ModelTests": {"Model", "PropertyBased"},
    "SQLiteStoreTests": {"Model", "SQLiteStore", "Stores", "TestSupport", "GRDB"},
    "SyncTests": {"Application", "Model", "SQLiteStore", "StoreTestSupport", "Stores", "Sync", "TestSupport", "GRDB"},
    "ApplicationTests": {"Application", "Model", "SQLiteStore", "StoreTestSupport", "Stores", "Sync", "TestSupport", "GRDB"},
    "RPCTests": {"Model", "RPC", "Sync", "PropertyBased", "SwiftProtobuf"},
    "ServerTests": {
        "Web", "Application", "ArgumentParser", "Model", "PostgresStore", "Reports", "RPC", "Server", "SQLiteStore", "StoreTestSupport", "Stores", "Sync", "TestSupport", "GRPCCore", "GRPCInProcessTransport", "Logging",
        "SwiftProtobuf",
    },
    "ReportsTests": {"Model", "Reports"},
    "FieldClientTests": {
        "ArgumentParser", "FieldClient", "Model", "PostgresStore", "RPC", "Server", "SQLiteStore", "StoreTestSupport", "Stores", "Sync", "GRPCCore",
        "GRPCNIOTransportHTTP2",
    },
}

IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def manifest_targets(text):
    """Each target's name, kind, path and declared dependencies, read from Package.swift."""
    targets = {}
    for match in re.finditer(r"\.(target|testTarget|executableTarget)\(\s*name:\s*\"(\w+)\"(.*?)\n    \)", text, re.S):
        kind, name, body = match.groups()
        deps = set()
        dep_block = re.search(r"dependencies:\s*\[(.*?)\]\s*,?\s*(?:\n\s*(?:path|exclude|swiftSettings|resources)|\s*$)", body, re.S)
        if dep_block:
            block = dep_block.group(1)
            deps |= set(re.findall(r".product\(name:\s*\"(\w+)\"", block))
            without_products = re.sub(r"\.product\([^)]*\)", "", block)
            deps |= set(re.findall(r"\"(\w+)\"", without_products))
        path = re.search(r"path:\s*\"([^\"]+)\"", body)
        default = ("Tests/" if kind == "testTarget" else "Sources/") + name
        targets[name] = (kind, path.group(1) if path else default, deps)
    return targets


def imports_of(directory):
    """Module -> files importing it, for every .swift file under `directory`."""
    found = {}
    for base, _, files in os.walk(directory):
        for name in files:
            if not name.endswith(".swift"):
                continue
            path = os.path.join(base, name)
            with open(path, encoding="utf-8") as handle:
                for module in IMPORT.findall(handle.read()):
                    found.setdefault(module, []).append(path)
    return found


def check(root):
    """The problems found under `root`, as lines."""
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as handle:
        targets = manifest_targets(handle.read())
    problems = []
    for name in sorted(set(targets) | set(GRAPH)):
        if name not in targets:
            problems.append(f"{name}: in the module graph but not in Package.swift")
            continue
        if name not in GRAPH:
            problems.append(f"{name}: a target of Package.swift missing from the module graph in Scripts/check-imports.py")
            continue
        _, path, declared = targets[name]
        imported = imports_of(os.path.join(root, path))
        # A test may depend on an executable only to have it built (the end-to-end tests run it).
        executables = {target for target, (kind, _, _) in targets.items() if kind == "executableTarget"}
        for module, files in sorted(imported.items()):
            if module in SYSTEM or module == name:
                continue
            where = os.path.relpath(files[0], root)
            if module not in GRAPH[name]:
                problems.append(f"{name}: imports {module} ({where}), an edge the module graph does not allow")
            elif module not in declared:
                problems.append(f"{name}: imports {module} ({where}) without declaring it in Package.swift")
        for module in sorted(declared - set(imported) - executables):
            problems.append(f"{name}: declares {module} in Package.swift but never imports it")
    return problems


def self_test(root):
    """The check fails on a copy of the tree with one forbidden edge added (GRDB in Server)."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as copy:
        for part in ("Sources", "Tests"):
            shutil.copytree(os.path.join(root, part), os.path.join(copy, part))
        shutil.copy(os.path.join(root, "Package.swift"), copy)
        with open(os.path.join(copy, "Sources/Server/AssureServer.swift"), "a", encoding="utf-8") as handle:
            handle.write("\nimport GRDB\n")
        problems = check(copy)
    expected = [p for p in problems if p.startswith("Server: imports GRDB") and "does not allow" in p]
    if not expected:
        print("self-test failed: a Server file importing GRDB was not reported; got:", problems)
        return 1
    print("self-test: a Server file importing GRDB is refused: " + expected[0])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--self-test", action="store_true", help="check that a forbidden edge is reported")
    arguments = parser.parse_args()
    root = os.path.abspath(arguments.root)
    if arguments.self_test:
        return self_test(root)
    problems = check(root)
    targets = manifest_targets(open(os.path.join(root, "Package.swift"), encoding="utf-8").read())
    if problems:
        print("module graph check failed:")
        for problem in problems:
            print("  " + problem)
        return 1
    print(f"module graph check: {len(targets)} targets, every import declared and allowed, nothing declared unused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
