#!/usr/bin/env python3
"""Replaces one section of BENCHMARKS.md with a freshly measured one.

Usage: splice.py BENCHMARKS.md NAME SECTION_FILE

A section lies between the lines `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. A section
not yet in the file is added at the end, so each benchmark can be re-run on its own without
discarding the figures of the others."""
import sys

path, name, section_file = sys.argv[1:4]
begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
section = open(section_file, encoding="utf-8").read().strip("\n")
block = f"{begin}\n{section}\n{end}"
try:
    text = open(path, encoding="utf-8").read()
except FileNotFoundError:
    text = "# Benchmarks\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    text = head + block + tail
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w", encoding="utf-8").write(text)
