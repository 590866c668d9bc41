#!/usr/bin/env python3
"""Verifies a Kibaru database's audit log without Kibaru: the SHA-256 chain of audit entries
and the seals over delivery events, recomputed from the SQLite file with Python's standard
library alone, as an auditor would. Exit 0 when intact, 4 naming the first broken entry.

Usage: scripts/verify-audit.py DATABASE [--checkpoint "SEQ HEX"]... [--checkpoints FILE]
  Each checkpoint a witness kept ("SEQ HEX", or as the SMS reads: "KIBARU AUDIT SEQ HEX", at
  least 16 hex digits) must still match: entry SEQ's hash starts with HEX. A chain alone can be
  recomputed by whoever holds the file; a checkpoint kept outside the server cannot.

The formats (also in README.md and daemon/core/audit.hpp, daemon/store/event_seal.hpp):
  entry hash  = sha256("kibaru-audit-v1\\n" + frame(prev_hash) + frame(seq) + frame(at) +
                frame(actor) + frame(action) + frame(subject) + frame(details))
  frame(x)    = str(len(x in bytes)) + ":" + x + "\\n"; the first prev_hash is 64 zeros
  event seal  = sha256("kibaru-events-v2\\n" + frames of id, delivery_id, at, state, attempt,
                http_status, gateway_id, latency_ms, error, gateway for every event of the
                range, in id order; a NULL is the empty string). A seal without "version": 2
                is version 1: "kibaru-events-v1\\n" and the first nine fields.
"""
import argparse
import hashlib
import json
import re
import sqlite3
import sys


def frame(value):
    data = b"" if value is None else str(value).encode("utf-8")
    return str(len(data)).encode() + b":" + data + b"\n"


CHECKPOINT = re.compile(
    r"^\s*(?:kibaru\s+audit\s+)?(\d+)\s+([0-9a-f]{16,64})(?:\s+prev\s+\d+)?\s*$", re.I)


def parse_checkpoint(text, where):
    match = CHECKPOINT.match(text)
    if not match or int(match.group(1)) == 0:
        print(f"{where}: \"{text.strip()}\" is not a checkpoint: SEQ and at least 16 hex digits",
              file=sys.stderr)
        sys.exit(2)
    return int(match.group(1)), match.group(2).lower()


def main(path, checkpoints=()):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    hashes = {}
    prev, expected, checked = "0" * 64, 1, 0
    seals = []
    for seq, at, actor, action, subject, details, prev_hash, hash_ in db.execute(
            "SELECT seq, at, actor, action, subject, details, prev_hash, hash "
            "FROM audit_log ORDER BY seq"):
        if seq != expected:
            return fail(seq, f"entry {expected} is missing or out of order")
        if prev_hash != prev:
            return fail(seq, "does not link to the entry before it")
        data = b"kibaru-audit-v1\n" + b"".join(
            frame(x) for x in (prev_hash, seq, at, actor, action, subject, details))
        if hashlib.sha256(data).hexdigest() != hash_:
            return fail(seq, "does not match its hash (edited)")
        if action == "delivery_events.sealed":
            seals.append((seq, json.loads(details)))
        prev, expected, checked = hash_, expected + 1, checked + 1
        hashes[seq] = hash_
    head = db.execute("SELECT seq, hash FROM audit_head").fetchone()
    if head != (expected - 1, prev):
        return fail(expected, "the chain head does not match the last entry (entries removed?)")
    events, next_id = 0, 1
    for seq, seal in seals:
        if seal["from"] != next_id:
            return fail(seq, f"seal of events {seal['from']}-{seal['to']} leaves a gap")
        version = seal.get("version", 1)
        sha, count = hashlib.sha256(b"kibaru-events-v%d\n" % min(version, 2)), 0
        columns = 10 if version >= 2 else 9
        for row in db.execute(
                "SELECT id, delivery_id, at, state, attempt, http_status, gateway_id, latency_ms, "
                "error, gateway FROM delivery_events WHERE id BETWEEN ? AND ? ORDER BY id",
                (seal["from"], seal["to"])):
            sha.update(b"".join(frame(x) for x in row[:columns]))
            count += 1
        if count != seal["count"] or sha.hexdigest() != seal["sha256"]:
            return fail(seq, f"delivery events {seal['from']}-{seal['to']} do not match their seal")
        events, next_id = events + count, seal["to"] + 1
    extra = db.execute("SELECT count(*) FROM delivery_events WHERE id >= ?", (next_id,)).fetchone()[0]
    if extra:
        return fail(0, f"{extra} delivery events from id {next_id} are under no seal")
    for seq, hex_ in checkpoints:
        if seq not in hashes:
            return fail(seq, f"checkpoint {seq} {hex_} names an entry the log no longer has")
        if not hashes[seq].startswith(hex_):
            return fail(seq, f"checkpoint {seq} {hex_} no longer matches: the log was rewritten "
                             "after it was witnessed")
    witnessed = f", {len(checkpoints)} witnessed checkpoints still matched" if checkpoints else ""
    print(f"audit log intact: {checked} entries, {events} delivery events{witnessed}")
    return 0


def fail(seq, problem):
    print(f"audit log BROKEN at entry {seq}: {problem}")
    return 4


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--checkpoint", action="append", default=[],
                        help='a witnessed checkpoint, "SEQ HEX" (repeatable)')
    parser.add_argument("--checkpoints", help="a file of witnessed checkpoints, one per line")
    args = parser.parse_args()
    claims = [parse_checkpoint(c, "--checkpoint") for c in args.checkpoint]
    if args.checkpoints:
        with open(args.checkpoints, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip() and not line.lstrip().startswith("#"):
                    claims.append(parse_checkpoint(line, f"{args.checkpoints}:{number}"))
    sys.exit(main(args.database, claims))
