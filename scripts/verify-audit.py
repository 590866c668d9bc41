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
  event seal  = sha256("kibaru-events-v3\\n" + frames of id, delivery_id, at, state, attempt,
                http_status, gateway_id, latency_ms, error, gateway, applied, segments for
                every event of the range, in id order; a NULL is the empty string). A seal of
                "version": 2 frames "kibaru-events-v2\\n" and the first ten fields; one without
                a version is version 1: "kibaru-events-v1\\n" and the first nine.
  deliveries  = each delivery's state is that of its last event with applied = 1 under a
                version-3 seal ("pending" with none), and its segments those of the last such
                event that set them; deliveries with events under older seals are not replayed.
                The tallies (delivery_tallies) must count the deliveries, and each week's
                deliveries must be those its "week.opened" entry created (count and id range).
  audience    = a "week.opened" entry's "audience_sha256" is sha256("kibaru-audience-v1\\n" +
                frames of id, contact_id and the contact's phone for every delivery of the
                week, in id order): which contact each delivery is for, and their phones.
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
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    db.execute("BEGIN")  # one snapshot for everything, while a daemon may be writing
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
    # Ids are given in order and never deleted: max(id) = the deliveries the weeks opened.
    weeks = openings(db)
    opened = sum(opening[0] for opening in weeks.values())
    last = db.execute("SELECT coalesce(max(id), 0) FROM deliveries").fetchone()[0]
    if last > 2 * opened + 1000:
        return fail(0, f"delivery ids reach {last} where the weeks' openings created {opened} "
                       "deliveries (rows inserted or deleted)")
    replay = Replay(last)
    present = {row[1] for row in db.execute("PRAGMA table_info(delivery_events)")}
    columns_read = ", ".join(c if c in present else "NULL" for c in (
        "id", "delivery_id", "at", "state", "attempt", "http_status", "gateway_id", "latency_ms",
        "error", "gateway", "applied", "segments"))
    for seq, seal in seals:
        if seal["from"] != next_id:
            return fail(seq, f"seal of events {seal['from']}-{seal['to']} leaves a gap")
        version = max(1, min(seal.get("version", 1), 3))
        sha, count = hashlib.sha256(b"kibaru-events-v%d\n" % version), 0
        columns = {1: 9, 2: 10, 3: 12}[version]
        orphan = None
        for row in db.execute(
                f"SELECT {columns_read} FROM delivery_events WHERE id BETWEEN ? AND ? "
                "ORDER BY id", (seal["from"], seal["to"])):
            sha.update(b"".join(frame(x) for x in row[:columns]))
            count += 1
            if not replay.event(row[1], row[3], row[10] if version >= 3 else None, row[11]):
                orphan = orphan or row
        if count != seal["count"] or sha.hexdigest() != seal["sha256"]:
            return fail(seq, f"delivery events {seal['from']}-{seal['to']} do not match their seal")
        if orphan:
            return fail(seq, f"delivery event {orphan[0]} belongs to delivery {orphan[1]}, "
                             "which has no row (deleted)")
        events, next_id = events + count, seal["to"] + 1
    extra = db.execute("SELECT count(*) FROM delivery_events WHERE id >= ?", (next_id,)).fetchone()[0]
    if extra:
        return fail(0, f"{extra} delivery events from id {next_id} are under no seal")
    problem = check_deliveries(db, replay, weeks)
    if problem:
        return fail(0, problem)
    for seq, hex_ in checkpoints:
        if seq not in hashes:
            return fail(seq, f"checkpoint {seq} {hex_} names an entry the log no longer has")
        if not hashes[seq].startswith(hex_):
            return fail(seq, f"checkpoint {seq} {hex_} no longer matches: the log was rewritten "
                             "after it was witnessed")
    witnessed = f", {len(checkpoints)} witnessed checkpoints still matched" if checkpoints else ""
    print(f"audit log intact: {checked} entries, {events} delivery events, "
          f"{replay.rows} deliveries{witnessed}")
    return 0


STATES = ["pending", "sending", "retrying", "sent", "delivered", "failed", "expired", "skipped",
          "unknown"]
EVENTS, STATE_UNKNOWN, SEGMENTS_UNKNOWN, ROW_SEEN = 1, 2, 4, 8
MAX_SEGMENTS = 255  # an SMS has at most 255 parts; 255 stands for "255 or more"


class Replay:
    """Each delivery's state (an index in STATES) and segments as its sealed events leave them.
    An event from before `applied` was recorded leaves them unknown until one that records it
    sets them."""

    def __init__(self, last_id):
        self.state = bytearray(last_id + 1)
        self.flags = bytearray(last_id + 1)
        self.segments = bytearray(last_id + 1)
        self.rows = 0

    def event(self, delivery, state, applied, segments):
        if not 1 <= delivery < len(self.state):
            return False
        self.flags[delivery] |= EVENTS
        if state not in STATES:
            applied = None  # not a state any delivery can have: cannot be replayed
        if applied is None:
            self.flags[delivery] |= STATE_UNKNOWN | SEGMENTS_UNKNOWN
        elif applied:
            self.state[delivery] = STATES.index(state)
            self.flags[delivery] &= ~STATE_UNKNOWN
            if segments and segments > 0:
                self.segments[delivery] = min(segments, MAX_SEGMENTS)
                self.flags[delivery] &= ~SEGMENTS_UNKNOWN
        return True

    def check(self, delivery, state, segments):
        if not 1 <= delivery < len(self.state):
            return f"delivery {delivery} lies beyond the ids given (inserted)"
        self.rows += 1
        self.flags[delivery] |= ROW_SEEN
        flags, replayed = self.flags[delivery], STATES[self.state[delivery]]
        if not flags & STATE_UNKNOWN and state != replayed:
            return f"delivery {delivery} is {state} where its sealed events leave it {replayed} (edited)"
        expected = self.segments[delivery]
        if not flags & SEGMENTS_UNKNOWN and not (
                segments >= MAX_SEGMENTS if expected == MAX_SEGMENTS else segments == expected):
            return (f"delivery {delivery} counts {segments} segments where its sealed events give "
                    f"{expected} (edited)")
        return None


def openings(db):
    """(campaign, week) -> [targeted, first_id, last_id, deliveries found, audience digest
    sealed, audience digest being recomputed] from week.opened."""
    weeks = {}
    for subject, details in db.execute(
            "SELECT subject, details FROM audit_log WHERE action = 'week.opened' ORDER BY seq"):
        entry = json.loads(details)
        ids = entry.get("deliveries") or {}
        sealed = entry.get("audience_sha256")
        weeks[(int(subject.split()[-1]), entry["week"])] = [
            entry.get("targeted", 0), ids.get("first_id"), ids.get("last_id"), 0, sealed,
            hashlib.sha256(b"kibaru-audience-v1\n") if sealed else None]
    return weeks


def check_deliveries(db, replay, weeks):
    counted = {}
    for id_, campaign, week, state, segments, contact, phone in db.execute(
            "SELECT d.id, d.campaign_id, d.week, d.state, d.segments, d.contact_id, c.phone "
            "FROM deliveries d LEFT JOIN contacts c ON c.id = d.contact_id ORDER BY d.id"):
        opening = weeks.get((campaign, week))
        if opening is None:
            return f"delivery {id_} belongs to a week the audit log never opened (inserted)"
        if opening[1] is not None and not opening[1] <= id_ <= opening[2]:
            return f"delivery {id_} is not among those its week's opening created (inserted)"
        opening[3] += 1
        if opening[5]:
            opening[5].update(frame(id_) + frame(contact) + frame(phone))
        problem = replay.check(id_, state, segments)
        if problem:
            return problem
        tally = counted.setdefault((campaign, week, state), [0, 0])
        tally[0], tally[1] = tally[0] + 1, tally[1] + segments
    for delivery, flags in enumerate(replay.flags):
        if flags & EVENTS and not flags & ROW_SEEN:
            return f"delivery {delivery} has sealed events but no row (deleted)"
    for (campaign, week), (targeted, _, _, found, sealed, audience) in weeks.items():
        if found != targeted:
            return (f"campaign {campaign} week {week} has {found} deliveries where its opening "
                    f"created {targeted} (deleted)")
        if audience and audience.hexdigest() != sealed:
            return (f"campaign {campaign} week {week}: its deliveries are not for the contacts "
                    "and phones its opening sealed (edited)")
    if not db.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'delivery_tallies'"
                      ).fetchone()[0]:
        return None  # a database from before the tallies
    tallies = {(c, w, s): [n, g] for c, w, s, n, g in db.execute(
        "SELECT campaign_id, week, state, deliveries, segments FROM delivery_tallies "
        "WHERE deliveries != 0 OR segments != 0")}
    if tallies != counted:
        key = min(set(tallies) ^ set(counted) or
                  {k for k in tallies if tallies[k] != counted.get(k)})
        return (f"the tally of campaign {key[0]} week {key[1]} {key[2]} says "
                f"{tallies.get(key, [0, 0])} where the deliveries make {counted.get(key, [0, 0])} "
                "(deliveries, segments; edited)")
    return None


def fail(seq, problem):
    print(f"audit log BROKEN at entry {seq}: {problem}" if seq else f"audit log BROKEN: {problem}")
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
