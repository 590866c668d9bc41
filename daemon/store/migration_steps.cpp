// The schema steps themselves, oldest first: mostly SQL text, with the reason for each table,
// column and index beside it. Released steps are never edited; a new one goes at the end.
#include "store/migrations.hpp"
#include "store/schema_edits.hpp"

namespace kibaru::store {

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> k_steps = {
        {"contacts and their opt-out history", R"sql(
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    phone        TEXT NOT NULL UNIQUE,                 -- E.164
    name         TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT 'producer'
                 CHECK (kind IN ('producer', 'po', 'mpe', 'seed_company', 'other')),
    region       TEXT NOT NULL DEFAULT '',
    commodities  TEXT NOT NULL DEFAULT '',             -- lower-case names joined by ';'
    language     TEXT NOT NULL DEFAULT 'fr',
    tags         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'opted_out')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
-- No index on region or status: audiences and listings scan the table (a million rows in well
-- under a second), and every extra index would slow a national-size import.

-- Every opt-out and opt-in, whoever made it (a command, an inbound STOP), for report contact.
CREATE TABLE contact_status_events (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    at         TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'opted_out')),
    source     TEXT NOT NULL,                          -- 'cli', 'inbound', ...
    actor      TEXT NOT NULL
) STRICT;
CREATE INDEX contact_status_events_by_contact ON contact_status_events (contact_id);
)sql"},
        {"tamper-evident audit log", R"sql(
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,                     -- 1, 2, 3, ... without gaps
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL,                           -- JSON object
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
-- The chain's last link, so that deleting the newest entries is detected too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
-- Append-only by construction: a mistaken UPDATE or DELETE fails loudly. (A determined editor
-- can drop these triggers; `audit verify` is what catches that.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
        {"campaigns and their weekly messages", R"sql(
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    commodity  TEXT NOT NULL,
    start_date TEXT NOT NULL,                          -- YYYY-MM-DD, local
    weeks      INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 104),
    send_day   TEXT NOT NULL,                          -- mon .. sun
    send_time  TEXT NOT NULL,                          -- HH:MM, local
    timezone   TEXT NOT NULL,                          -- tz database name
    regions    TEXT NOT NULL DEFAULT '',               -- audience filters, ';'-joined
    kinds      TEXT NOT NULL DEFAULT '',
    languages  TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'active'
               CHECK (status IN ('active', 'paused', 'cancelled')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- One message per campaign week and language, as written (it may keep {name}, {week}, ...).
-- encoding and segments are the worst case over the audience when it was saved.
CREATE TABLE messages (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    week        INTEGER NOT NULL CHECK (week >= 1),
    language    TEXT NOT NULL,
    text        TEXT NOT NULL,
    encoding    TEXT NOT NULL CHECK (encoding IN ('gsm7', 'ucs2')),
    segments    INTEGER NOT NULL CHECK (segments >= 1),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (campaign_id, week, language)
) STRICT;
)sql"},
        {"campaign weeks, deliveries and their events", R"sql(
-- A week is opened once: its audience is fixed then, one delivery per contact.
CREATE TABLE campaign_weeks (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    week        INTEGER NOT NULL,
    opens_at    TEXT NOT NULL,                         -- scheduled opening, UTC
    closes_at   TEXT NOT NULL,
    opened_at   TEXT NOT NULL,                         -- when the daemon opened it
    targeted    INTEGER NOT NULL,
    -- What existed when the audience was fixed, for `report campaign --check`: the newest
    -- contact and opt-out/opt-in event ids (clock-independent, unlike timestamps).
    contacts_upto      INTEGER NOT NULL DEFAULT 0,
    status_events_upto INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,            -- 1 once its unsent deliveries expired
    PRIMARY KEY (campaign_id, week)
) STRICT;

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,               -- also the {ref} sent to the gateway
    campaign_id     INTEGER NOT NULL,
    week            INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id),
    language        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'retrying', 'sent',
                    'delivered', 'failed', 'expired', 'skipped', 'unknown')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,        -- unix ms; due when <= now
    gateway_id      TEXT,
    error           TEXT NOT NULL DEFAULT '',
    segments        INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    UNIQUE (campaign_id, week, contact_id),
    FOREIGN KEY (campaign_id, week) REFERENCES campaign_weeks (campaign_id, week)
) STRICT;
-- The dispatcher's queue, one stream per (campaign, week, language): only deliveries that may
-- still be sent are indexed, so a claim reads just the rows it takes, however many were sent.
CREATE INDEX deliveries_due ON deliveries (campaign_id, week, language, next_attempt_ms)
    WHERE state IN ('pending', 'retrying');
CREATE INDEX deliveries_by_state ON deliveries (state) WHERE state IN ('sending', 'unknown');
CREATE INDEX deliveries_by_gateway_id ON deliveries (gateway_id) WHERE gateway_id IS NOT NULL;

-- Every transition of every delivery, for auditors and `report contact`.
CREATE TABLE delivery_events (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    at          TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    http_status INTEGER,
    gateway_id  TEXT,
    latency_ms  INTEGER,
    error       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX delivery_events_by_delivery ON delivery_events (delivery_id);
-- Delivery events are sealed into the audit chain in the transaction that writes them: an
-- audit entry holds each range's SHA-256; this row remembers how far the seals reach.
CREATE TABLE delivery_events_seal (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL
) STRICT;
INSERT INTO delivery_events_seal (id, last_id) VALUES (1, 0);
)sql"},
        {"delivery tallies per campaign, week and state", R"sql(
-- How many deliveries each (campaign, week) has in each state, and their segments: what
-- `report campaign`, `status` and /metrics read, so they cost the same for 21 weeks of a
-- million contacts as for a pilot. DeliveriesRepo keeps them in the transaction of every
-- change it makes (the opening adds a week's deliveries, each change of state moves one or a
-- set of them), batched per statement or per dispatcher batch: a trigger doing it row by row
-- cost 8 us of CPU per SMS. Only DeliveriesRepo writes deliveries; a row edited or deleted
-- behind its back shows as a mismatch in `report campaign --check`.
CREATE TABLE delivery_tallies (
    campaign_id INTEGER NOT NULL,
    week        INTEGER NOT NULL,
    state       TEXT NOT NULL,
    deliveries  INTEGER NOT NULL,
    segments    INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, week, state)
) STRICT, WITHOUT ROWID;
INSERT INTO delivery_tallies (campaign_id, week, state, deliveries, segments)
    SELECT campaign_id, week, state, count(*), sum(segments) FROM deliveries
    GROUP BY campaign_id, week, state;
)sql"},
        {"delivery state check without an IN list (a temporary b-tree per write)",
         "-- see rewrite_delivery_state_check", &rewrite_delivery_state_check},
        {"the SMSC's own message id of each delivery, from its delivery reports", R"sql(
-- Kannel's %F (sms.foreign_id): the id the SMSC behind the gateway gave the message, which an
-- operator's records use. Adding a column rewrites no row, whatever the table's size.
ALTER TABLE deliveries ADD COLUMN smsc_id TEXT;
)sql"},
        {"console accounts, their sessions, API tokens and failed logins", R"sql(
-- People who use the console and the API. No account exists until `kibaru users add` makes
-- one: there is no default account and no default password.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role = 'admin' OR role = 'staff' OR role = 'auditor'),
    password_hash TEXT NOT NULL,                       -- Argon2id (libsodium crypto_pwhash_str)
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'disabled'),
    language      TEXT NOT NULL DEFAULT 'fr',          -- of the console, as the user chose it
    created_at    TEXT NOT NULL,
    last_login_at TEXT
) STRICT;

-- Signed-in browsers. Only a hash of the cookie's token is kept: whoever reads the database
-- cannot sign in with it. Ended by logout, idle time, a password change or a disable.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,                 -- SHA-256 of the token, hex
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT,
    peer         TEXT NOT NULL DEFAULT ''
) STRICT;

-- Tokens for scripts (Authorization: Bearer); shown once, kept hashed.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    label        TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;

-- Failed logins, for the lockout (five for one name or one address within 15 minutes).
CREATE TABLE login_failures (
    id   INTEGER PRIMARY KEY,
    at   TEXT NOT NULL,
    name TEXT NOT NULL,
    peer TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_by_at ON login_failures (at);
)sql"},
        {"contact tallies per status", R"sql(
-- How many contacts have each status: what `status`, /api/v1/status and the console read,
-- which counted a million rows (half a second) for each look. Kept by triggers, whoever
-- writes: contacts change a few at a time (an import, an opt-out), and a trigger costs 0.3 us
-- a row against the 25 us of the import's own write.
CREATE TABLE contact_tallies (
    status   TEXT PRIMARY KEY,
    contacts INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO contact_tallies (status, contacts) VALUES ('active', 0), ('opted_out', 0);
INSERT INTO contact_tallies (status, contacts)
    SELECT status, count(*) FROM contacts WHERE true GROUP BY status
    ON CONFLICT (status) DO UPDATE SET contacts = excluded.contacts;
CREATE TRIGGER contact_tallies_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_tallies (status, contacts) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET contacts = contacts + 1;
END;
CREATE TRIGGER contact_tallies_delete AFTER DELETE ON contacts BEGIN
    UPDATE contact_tallies SET contacts = contacts - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER contact_tallies_status AFTER UPDATE OF status ON contacts
    WHEN NEW.status IS NOT OLD.status BEGIN
    UPDATE contact_tallies SET contacts = contacts - 1 WHERE status = OLD.status;
    INSERT INTO contact_tallies (status, contacts) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET contacts = contacts + 1;
END;
)sql"},
        {"the gateway of each delivery and event, and the gateways that refused it", R"sql(
-- With several gateways ([[gateways]]), every delivery and every event records the gateway
-- that took (or tried) it, and a delivery remembers which gateways certainly refused it so that
-- failover never hands it back to them. NULL for what was sent before this migration.
ALTER TABLE deliveries ADD COLUMN gateway TEXT;
ALTER TABLE deliveries ADD COLUMN refused_by TEXT;
ALTER TABLE delivery_events ADD COLUMN gateway TEXT;
)sql"},
        {"the gateway a delivery is in doubt at", R"sql(
-- A send that timed out or was reset after its request left, or that was in flight when the
-- process stopped, may have reached its gateway: from then on that delivery is sent only
-- through that gateway, never through a second one (a second SMS to the phone).
ALTER TABLE deliveries ADD COLUMN in_doubt_at TEXT;
)sql"},
        {"market prices as data, and the inbox of incoming SMS", R"sql(
-- One row per commodity, market and date (`prices import`): what PRIX <commodity> <market>
-- answers and what `messages render --from-prices` fills. A later import of the same date,
-- commodity and market replaces the row. `market_key` is the market folded (upper case, no
-- accents) so that Ségou, Segou and SEGOU are one market.
CREATE TABLE prices (
    id         INTEGER PRIMARY KEY,
    date       TEXT NOT NULL,                 -- YYYY-MM-DD
    commodity  TEXT NOT NULL,
    market     TEXT NOT NULL,                 -- as first written
    market_key TEXT NOT NULL,
    price_min  REAL NOT NULL,
    price_max  REAL NOT NULL,
    unit       TEXT NOT NULL DEFAULT 'kg',
    trend      TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    UNIQUE (commodity, market_key, date)
) STRICT;

-- Every incoming SMS, kept once: what it matched and the reply it got. `dedup_key` is the
-- gateway and its message id, or (for gateways without ids) the sender, the text and the
-- minute it came: the same message posted twice is stored and answered once.
CREATE TABLE inbox (
    id            INTEGER PRIMARY KEY,
    received_at   TEXT NOT NULL,
    phone         TEXT NOT NULL,             -- E.164 when it could be read, else as sent
    contact_id    INTEGER REFERENCES contacts (id),
    text          TEXT NOT NULL,
    matched       TEXT NOT NULL,             -- price, subscribe, unsubscribe, help, stop, start, none
    detail        TEXT NOT NULL DEFAULT '',  -- what was understood ("sesame KITA"), or why not
    reply         TEXT,                      -- the reply's text, NULL when none was sent
    replied_at    TEXT,
    replied_by    TEXT,                      -- "kibaru" for automatic replies, a user's name
    gateway       TEXT NOT NULL DEFAULT '',
    gateway_message_id TEXT NOT NULL DEFAULT '',
    dedup_key     TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX inbox_by_phone ON inbox (phone, received_at);
CREATE INDEX inbox_by_time ON inbox (received_at);
)sql"},
        {"replies as outbound messages of their own", R"sql(
-- What Kibaru sends back to a producer (an answer, a STOP/START confirmation, a reply typed by
-- staff): stored before it is sent, sent by the daemon through the gateway that takes the
-- number with its limits, retried, its delivery report applied — apart from campaign
-- deliveries, their weeks and their completeness checks.
CREATE TABLE replies (
    id              INTEGER PRIMARY KEY,
    inbox_id        INTEGER REFERENCES inbox (id),
    phone           TEXT NOT NULL,
    text            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('answer', 'confirmation', 'manual')),
    segments        INTEGER NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'retrying',
                        'sending', 'sent', 'delivered', 'failed', 'unknown')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    gateway         TEXT NOT NULL DEFAULT '',
    gateway_id      TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL DEFAULT 'kibaru', -- a user's name for a reply typed by hand
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX replies_of_inbox ON replies (inbox_id);
CREATE INDEX replies_due ON replies (next_attempt_ms) WHERE state IN ('pending', 'retrying');
CREATE INDEX replies_by_gateway_id ON replies (gateway_id) WHERE gateway_id <> '';
)sql"},
        {"audit checkpoints texted to witnesses, as replies of their own kind", R"sql(
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (nothing refers to it).
CREATE TABLE replies_v14 (
    id              INTEGER PRIMARY KEY,
    inbox_id        INTEGER REFERENCES inbox (id),
    phone           TEXT NOT NULL,
    text            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('answer', 'confirmation', 'manual',
                        'checkpoint')),
    segments        INTEGER NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'retrying',
                        'sending', 'sent', 'delivered', 'failed', 'unknown')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    gateway         TEXT NOT NULL DEFAULT '',
    gateway_id      TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL DEFAULT 'kibaru',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
INSERT INTO replies_v14 SELECT * FROM replies;
DROP TABLE replies;
ALTER TABLE replies_v14 RENAME TO replies;
CREATE INDEX replies_of_inbox ON replies (inbox_id);
CREATE INDEX replies_due ON replies (next_attempt_ms) WHERE state IN ('pending', 'retrying');
CREATE INDEX replies_by_gateway_id ON replies (gateway_id) WHERE gateway_id <> '';
)sql"},
        {"new contacts counted by the one code that inserts them, not by a trigger", R"sql(
-- A trigger costs 4 to 5 us a row to run whatever it does (SQLite starts a sub-program and a
-- statement journal for it): a third of a million-row import. store::ContactUpserter, which
-- every insert of a contact goes through, adds its new rows to the tally itself. The status
-- and delete triggers stay: those writes are rare. And the checks of a contact's kind and a
-- reply's kind and state as equalities (see rewrite_contact_and_reply_checks).
DROP TRIGGER contact_tallies_insert;
)sql",
         &rewrite_contact_and_reply_checks},
        {"whether each delivery event changed its delivery, and the segments it set", R"sql(
-- The seals cover the events, not the deliveries that reports read. From this version each
-- event records whether it changed its delivery's state (`applied`: a delivery report or an
-- outcome overtaken by one may not) and the segments it set, under seals of version 3, so that
-- `audit verify` replays every delivery's state from its sealed events and catches a delivery
-- or a tally edited behind Kibaru's back. NULL in both for the events written before.
ALTER TABLE delivery_events ADD COLUMN applied INTEGER;
ALTER TABLE delivery_events ADD COLUMN segments INTEGER;
)sql"},
        {"a market's first spelling found by its index, not by reading every price", R"sql(
-- Each price imported looks up the spelling its market was first imported with (PricesRepo::
-- upsert). Without an index on market_key that read the whole table, once per row: a season's
-- table of 54,000 rows took 76 s to import, and a console request timed out.
CREATE INDEX prices_by_market ON prices (market_key);
)sql"},
        {"the gateways' outages found by an index, not by reading the whole audit log", R"sql(
-- The console's overview shows each gateway's health from its outage and recovery entries
-- (store/gateway_stats.cpp): a handful among millions of entries (one per dispatcher batch
-- seals its events), which it found by reading the whole log on every view (some 2 s over
-- 10 M entries). Partial: only those entries are in it, so appending the others costs nothing.
CREATE INDEX audit_log_gateway_health ON audit_log (action)
    WHERE action IN ('gateway.outage', 'gateway.recovered');
)sql"},
        {"each week's deliveries as the id range its opening created", R"sql(
-- A week's deliveries are created by one statement at its opening, with consecutive ids after
-- the largest (DeliveriesRepo::open_week), and never after. A page of a campaign's deliveries in
-- id order (the console, the API) reads those ranges by rowid; found through the (campaign,
-- week, contact) index instead, every page sorted the whole campaign by id first (11 s for the
-- first page of 21 M deliveries). Empty when last < first. Filled here from the deliveries.
ALTER TABLE campaign_weeks ADD COLUMN first_delivery_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE campaign_weeks ADD COLUMN last_delivery_id INTEGER NOT NULL DEFAULT 0;
UPDATE campaign_weeks SET (first_delivery_id, last_delivery_id) = (SELECT coalesce(min(d.id), 1),
    coalesce(max(d.id), 0) FROM deliveries d WHERE d.campaign_id = campaign_weeks.campaign_id
    AND d.week = campaign_weeks.week);
)sql"},
    };
    return k_steps;
}

} // namespace kibaru::store
