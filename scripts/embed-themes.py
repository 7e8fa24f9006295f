#!/usr/bin/env python3
"""Embeds themes/*.yaml into Sources/TerminalUI/BuiltInThemes.swift (run: make themes)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THEMES = os.path.join(ROOT, "themes")
TARGET = os.path.join(ROOT, "Sources", "TerminalUI", "BuiltInThemes.swift")

lines = [
    "// Generated from themes/*.yaml by `make themes`; a test checks they stay equal.",
    "",
    "/// The themes shipped with the program, so they work wherever the binary is installed.",
    "enum BuiltInThemes {",
    "    static let yaml: [String: String] = [",
]
for name in sorted(os.listdir(THEMES)):
    if name.endswith(".yaml"):
        text = open(os.path.join(THEMES, name)).read()
        assert '"""#' not in text, name
        lines.append('        "%s": #"""\n%s"""#,' % (name[:-5], text))
lines += ["    ]", "}"]
with open(TARGET, "w") as handle:
    handle.write("\n".join(lines) + "\n")
