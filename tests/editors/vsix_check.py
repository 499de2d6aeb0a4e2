#!/usr/bin/env python3
"""Checks the packaged VS Code extension: what the .vsix holds and that its bundle loads.

Usage: vsix_check.py editors/vscode/examkit.vsix

- the manifest (extension/package.json): activation on workspaceContains:**/examkit.toml,
  the settings examkit.path and examkit.trace.server, engines.vscode, main;
- the bundle named by `main` is in the package, and no node_modules are;
- node can load the bundle (with a stub `vscode` module, the only external): it exports
  activate and deactivate, and vscode-languageclient is bundled, not required.
Prints "vsix: N passed, M failed".
"""

import json
import os
import subprocess
import sys
import tempfile
import zipfile

passed = failed = 0


def check(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}" + (f": {detail}" if detail else ""))


def main(vsix):
    size = os.path.getsize(vsix)
    with zipfile.ZipFile(vsix) as z:
        names = z.namelist()
        manifest = json.loads(z.read("extension/package.json"))
        with tempfile.TemporaryDirectory() as tmp:
            z.extractall(tmp)
            main_file = os.path.normpath(os.path.join(tmp, "extension", manifest.get("main", "")))
            print(f"# {vsix}: {size} bytes, {len(names)} files")
            check("extension.vsixmanifest" in names, "the package has an extension.vsixmanifest")
            check("workspaceContains:**/examkit.toml" in manifest.get("activationEvents", []),
                  "activates on workspaceContains:**/examkit.toml", str(manifest.get("activationEvents")))
            props = manifest.get("contributes", {}).get("configuration", {}).get("properties", {})
            check(props.get("examkit.path", {}).get("type") == "string" and props["examkit.path"].get("default") == "",
                  "setting examkit.path (string, default empty = PATH)")
            check(props.get("examkit.trace.server", {}).get("enum") == ["off", "messages", "verbose"],
                  "setting examkit.trace.server (off/messages/verbose)")
            check(str(manifest.get("engines", {}).get("vscode", "")).startswith("^1."), "engines.vscode is set",
                  str(manifest.get("engines")))
            check(os.path.isfile(main_file), f"the main bundle {manifest.get('main')} is packaged")
            check(not any("/node_modules/" in n for n in names), "no node_modules in the package")
            check(not any(n.endswith((".ts", ".map")) for n in names), "no TypeScript sources or source maps")
            script = r"""
const Module = require('module');
const load = Module._load;
const stub = new Proxy(function () {}, { get: (t, p) => (p === '__esModule' ? false : stub), apply: () => stub, construct: () => stub });
const required = [];
Module._load = function (request, parent, isMain) {
  required.push(request);
  if (request === 'vscode') return stub;
  return load.apply(this, arguments);
};
const ext = require(process.argv[1]);
const external = [...new Set(required.filter((r) => r !== process.argv[1] && !Module.isBuiltin(r) && !r.startsWith('node:')))];
console.log(JSON.stringify({ activate: typeof ext.activate, deactivate: typeof ext.deactivate, external }));
"""
            proc = subprocess.run(["node", "-e", script, main_file], capture_output=True, text=True)
            try:
                result = json.loads(proc.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                result = {}
            check(result.get("activate") == "function" and result.get("deactivate") == "function",
                  "node loads the bundle; it exports activate and deactivate", proc.stderr[-500:])
            check(result.get("external") == ["vscode"], "the bundle requires only `vscode` (the language client is bundled)",
                  str(result.get("external")))
    print(f"vsix: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
