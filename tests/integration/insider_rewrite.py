#!/usr/bin/env python3
"""What an insider who holds the database file can do to one delivery's history, following the
framing that scripts/verify-audit.py documents (as it must, for auditors): turn the delivery's
`sent` event into `failed` and the delivery with it, move the week's tallies along (so that the
deliveries still replay from their events), recompute the seal over that event's range, then
every audit entry's hash from that seal on, move the head, and put the append-only trigger
back. The chain then verifies alone; only a checkpoint kept outside the server can tell.

Usage: insider_rewrite.py DATABASE DELIVERY_ID      (prints the rewritten seal's audit seq)
"""
import hashlib
import json
import sqlite3
import sys


def frame(value):
    data = b"" if value is None else str(value).encode("utf-8")
    return str(len(data)).encode() + b":" + data + b"\n"


def main(path, delivery_id):
    db = sqlite3.connect(path)
    event_id, = db.execute("SELECT id FROM delivery_events WHERE delivery_id = ? AND state = 'sent' "
                           "ORDER BY id LIMIT 1", (delivery_id,)).fetchone()
    db.execute("UPDATE delivery_events SET state = 'failed', error = 'rejected by the SMSC' "
               "WHERE id = ?", (event_id,))
    db.execute("UPDATE deliveries SET state = 'failed' WHERE id = ?", (delivery_id,))
    campaign, week, segments = db.execute(
        "SELECT campaign_id, week, segments FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    for state, sign in (("sent", -1), ("failed", 1)):
        db.execute("INSERT INTO delivery_tallies VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                   "deliveries = deliveries + excluded.deliveries, segments = segments + "
                   "excluded.segments", (campaign, week, state, sign, sign * segments))
    seq, details = db.execute(
        "SELECT seq, details FROM audit_log WHERE action = 'delivery_events.sealed' AND "
        "json_extract(details, '$.from') <= ?1 AND json_extract(details, '$.to') >= ?1",
        (event_id,)).fetchone()
    seal = json.loads(details)
    version = seal.get("version", 1)
    columns = {1: 9, 2: 10, 3: 12}[version]
    sha = hashlib.sha256(b"kibaru-events-v%d\n" % version)
    for row in db.execute(
            "SELECT id, delivery_id, at, state, attempt, http_status, gateway_id, latency_ms, "
            "error, gateway, applied, segments FROM delivery_events WHERE id BETWEEN ? AND ? "
            "ORDER BY id", (seal["from"], seal["to"])):
        sha.update(b"".join(frame(x) for x in row[:columns]))
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET details = ? WHERE seq = ?",
               (details.replace(seal["sha256"], sha.hexdigest()), seq))
    prev, = db.execute("SELECT prev_hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    for entry, at, actor, action, subject, details in db.execute(
            "SELECT seq, at, actor, action, subject, details FROM audit_log WHERE seq >= ? "
            "ORDER BY seq", (seq,)).fetchall():
        data = b"kibaru-audit-v1\n" + b"".join(
            frame(x) for x in (prev, entry, at, actor, action, subject, details))
        prev_hash, prev = prev, hashlib.sha256(data).hexdigest()
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                   (prev_hash, prev, entry))
    db.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (prev,))
    db.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    db.commit()
    print(seq)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
