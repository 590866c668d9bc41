#include "store/audit_log.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace kibaru::store;

namespace {

class StoreAudit : public ::testing::Test {
protected:
    void SetUp() override {
        db = Database::open(":memory:");
        migrate(*db);
        for (int i = 1; i <= 5; ++i) {
            Transaction tx(*db);
            AuditLog(*db).append("2019-01-0" + std::to_string(i) + "T09:00:00Z", "awa",
                                 "contacts.optout", "+2237612345" + std::to_string(i),
                                 R"({"n":)" + std::to_string(i) + "}");
            tx.commit();
        }
        // Tampering means bypassing the append-only triggers first, as a determined editor would.
        db->exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
    }
    AuditVerdict verify() { return AuditLog(*db).verify(); }
    std::unique_ptr<Database> db;
};

} // namespace

TEST_F(StoreAudit, intact_chain_verifies) {
    const auto v = verify();
    EXPECT_TRUE(v.ok()) << v.problem;
    EXPECT_EQ(v.checked, 5);
}

TEST_F(StoreAudit, appends_link_each_entry_to_the_previous_hash) {
    auto s = db->prepare("SELECT a.prev_hash = b.hash FROM audit_log a JOIN audit_log b "
                         "ON b.seq = a.seq - 1");
    int links = 0;
    while (s.step()) {
        EXPECT_EQ(s.column_int(0), 1);
        ++links;
    }
    EXPECT_EQ(links, 4);
}

TEST_F(StoreAudit, append_only_triggers_stop_accidental_edits) {
    auto fresh = Database::open(":memory:");
    migrate(*fresh);
    Transaction tx(*fresh);
    AuditLog(*fresh).append("t", "a", "x", "s", "{}");
    tx.commit();
    EXPECT_THROW(fresh->exec("UPDATE audit_log SET actor = 'eve'"), StoreError);
    EXPECT_THROW(fresh->exec("DELETE FROM audit_log"), StoreError);
}

TEST_F(StoreAudit, detects_each_edited_field) {
    for (const char* column : {"at", "actor", "action", "subject", "details"}) {
        SetUp();
        db->exec(std::string("UPDATE audit_log SET ") + column + " = " + column +
                 " || 'x' WHERE seq = 3");
        const auto v = verify();
        EXPECT_FALSE(v.ok()) << column;
        EXPECT_EQ(v.broken_seq, 3) << column;
    }
}

TEST_F(StoreAudit, detects_an_edit_with_a_recomputed_hash) {
    // An editor who recomputes the edited entry's own hash still breaks the next link.
    db->exec("UPDATE audit_log SET actor = 'eve', hash = '" + std::string(64, 'a') +
             "' WHERE seq = 2");
    const auto v = verify();
    EXPECT_FALSE(v.ok());
    EXPECT_LE(v.broken_seq, 3);
}

TEST_F(StoreAudit, detects_a_deleted_entry) {
    db->exec("DELETE FROM audit_log WHERE seq = 3");
    const auto v = verify();
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.broken_seq, 4);
    EXPECT_NE(v.problem.find("entry 3 is missing"), std::string::npos) << v.problem;
}

TEST_F(StoreAudit, detects_deleting_the_newest_entries) {
    db->exec("DELETE FROM audit_log WHERE seq >= 4");
    const auto v = verify();
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.broken_seq, 4);
}

TEST_F(StoreAudit, detects_swapped_entries) {
    db->exec("UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3);"
             "UPDATE audit_log SET seq = 3 WHERE seq = -2;"
             "UPDATE audit_log SET seq = 2 WHERE seq = -3;");
    const auto v = verify();
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.broken_seq, 2);
}

TEST_F(StoreAudit, detects_an_inserted_entry) {
    db->exec("INSERT INTO audit_log SELECT 6, at, actor, action, subject, details, hash, hash "
             "FROM audit_log WHERE seq = 5");
    EXPECT_FALSE(verify().ok());
}

TEST_F(StoreAudit, export_streams_entries_in_order) {
    std::vector<std::int64_t> seqs;
    AuditLog(*db).for_each([&](const AuditRow& row) { seqs.push_back(row.entry.seq); });
    EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

#include "store/event_seal.hpp"

#include <nlohmann/json.hpp>

// The seal's digest is part of the file format: databases sealed by earlier versions must
// still verify. The expected values were computed apart, by Python's hashlib over the framing
// the header documents ("kibaru-events-v3\n", then "<length>:<bytes>\n" per field, integers in
// decimal, NULL as empty; version 2: "kibaru-events-v2\n" and the first ten fields; version 1:
// "kibaru-events-v1\n" and the first nine); any change of representation breaks these tests.
namespace {
// The four fixed events; in a database of schema 15 (before events recorded whether they
// applied), without the two columns it lacks.
void insert_fixed_events(Database& db, bool with_applied = true) {
    db.exec("PRAGMA foreign_keys = OFF"); // events without their deliveries: the seal only
    std::string sql =
        "INSERT INTO delivery_events (delivery_id, at, state, attempt, "
        "http_status, gateway_id, latency_ms, error, gateway, applied, segments) "
        "VALUES "
        "(1, '2019-01-08T08:00:00Z', 'sending', 1, NULL, NULL, NULL, '', NULL, 1, 2), "
        "(1, '2019-01-08T08:00:01Z', 'sent', 1, 202, 'gw-42', 37, '', 'orange', 0, "
        "NULL), "
        "(2, '2019-01-08T08:00:01Z', 'retrying', 1, 503, NULL, 1500, 'HTTP 503: é ɛ', "
        "'moov', 1, NULL), "
        "(9223372036854775807, 't', 'failed', -3, 0, '', -1, 'x:y\n2:ab', NULL, "
        "NULL, NULL)";
    if (!with_applied) {
        for (const std::string cut :
             {", applied, segments", ", 1, 2)", ", 0, NULL)", ", 1, NULL)", ", NULL, NULL)"}) {
            const auto at = sql.find(cut);
            sql.replace(at, cut.size(), cut.back() == ')' ? ")" : "");
        }
    }
    db.exec(sql);
}
} // namespace

TEST(StoreEventSeal, digest_of_a_fixed_set_of_events_is_stable) {
    auto db = Database::open(":memory:");
    migrate(*db);
    insert_fixed_events(*db);
    {
        Transaction tx(*db);
        seal_delivery_events(*db, "2019-01-08T08:00:02Z", "test");
        tx.commit();
    }
    auto seal = db->prepare("SELECT details FROM audit_log WHERE action = "
                            "'delivery_events.sealed'");
    ASSERT_TRUE(seal.step());
    const auto details = nlohmann::json::parse(seal.column_text(0));
    EXPECT_EQ(details["count"], 4);
    EXPECT_EQ(details["version"], 3);
    EXPECT_EQ(details["sha256"],
              "fe81f7f1d4cae9a8b3d6483fb5e7a887ff01e8e81cd843876aabfbb12ddca089");
    EXPECT_TRUE(verify_event_seals(*db).ok()) << verify_event_seals(*db).problem;
    db->exec("UPDATE delivery_events SET applied = 1 WHERE id = 2");
    EXPECT_FALSE(verify_event_seals(*db).ok()) << "whether it applied is sealed too";
}

// The digest a DeliveryTransaction takes from its writers' events as they are inserted (instead of
// reading them back) is the one the stored events give: the same four events, fed, give the
// pinned value above.
TEST(StoreEventSeal, events_fed_as_written_give_the_digest_of_the_stored_events) {
    EventFeed feed; // each add() below stands for a row inserted, as the update hook reports
    auto add = [&feed](const EventRow& event) {
        feed.row_inserted();
        feed.add(event);
    };
    add({1, 1, "2019-01-08T08:00:00Z", "sending", 1, {}, "", {}, "", "", 1, 2});
    add({2, 1, "2019-01-08T08:00:01Z", "sent", 1, 202, "gw-42", 37, "", "orange", 0, {}});
    add({3,
         2,
         "2019-01-08T08:00:01Z",
         "retrying",
         1,
         503,
         "",
         1500,
         "HTTP 503: é ɛ",
         "moov",
         1,
         {}});
    add({4, 9223372036854775807, "t", "failed", -3, 0, "", -1, "x:y\n2:ab", "", {}, {}});
    EXPECT_EQ(feed.digest_of(1, 4),
              "fe81f7f1d4cae9a8b3d6483fb5e7a887ff01e8e81cd843876aabfbb12ddca089");
}

// The feed vouches only for exactly the events it saw, one after the other: anything else and
// the seal reads the events back.
TEST(StoreEventSeal, a_feed_vouches_only_for_the_range_it_saw_whole) {
    auto feed_of = [](std::vector<std::int64_t> ids) {
        auto feed = std::make_unique<EventFeed>();
        for (const auto id : ids) {
            feed->row_inserted(); // as SQLite's update hook reports it
            feed->add({id, 1, "t", "sent", 1, {}, "", {}, "", "", 1, {}});
        }
        return feed;
    };
    EXPECT_TRUE(feed_of({5, 6, 7})->digest_of(5, 7));
    EXPECT_FALSE(feed_of({5, 6, 7})->digest_of(4, 7)) << "an event before those it saw";
    EXPECT_FALSE(feed_of({5, 6, 7})->digest_of(5, 8)) << "an event after";
    EXPECT_FALSE(feed_of({5, 7, 8})->digest_of(5, 8)) << "one in between it did not see";
    EXPECT_FALSE(feed_of({5, 6, 6, 7})->digest_of(5, 7)) << "an id given twice (a rollback)";
    EXPECT_FALSE(feed_of({})->digest_of(1, 1));
    auto unseen = feed_of({5, 6});
    unseen->row_inserted(); // a row another statement inserted
    EXPECT_FALSE(unseen->digest_of(5, 6)) << "an insert it was not handed";
    auto feed = feed_of({5});
    EXPECT_TRUE(feed->digest_of(5, 5));
    EXPECT_FALSE(feed->digest_of(5, 5)) << "a finished digest is not handed out twice";
}

namespace {
// The fixed events under one seal written as an earlier version wrote it (`version_field`:
// "" for version 1, which had none), with the digest computed apart for that framing.
std::unique_ptr<Database> sealed_as_before(const std::string& version_field,
                                           const std::string& sha256, int schema = -1) {
    auto db = Database::open(":memory:");
    migrate(*db, schema);
    insert_fixed_events(*db, schema < 0 || schema > 15);
    Transaction tx(*db);
    AuditLog(*db).append("2019-01-08T08:00:02Z", "test", "delivery_events.sealed", "events 1-4",
                         R"({"from":1,"to":4,"count":4,)" + version_field + R"("sha256":")" +
                             sha256 + R"("})");
    db->exec("UPDATE delivery_events_seal SET last_id = 4 WHERE id = 1");
    tx.commit();
    return db;
}
} // namespace

// A seal written before events recorded whether they applied (version 2: ten fields) still
// verifies, and still catches an edit.
TEST(StoreEventSeal, version_2_seals_of_earlier_databases_still_verify) {
    auto db = sealed_as_before(R"("version":2,)",
                               "cecaeb78b2f4bdd358ece02c70ffadbb5ac865aff06043f6fb1faad60be42fc0");
    EXPECT_TRUE(verify_event_seals(*db).ok()) << verify_event_seals(*db).problem;
    db->exec("UPDATE delivery_events SET gateway = 'telecel' WHERE id = 2");
    EXPECT_FALSE(verify_event_seals(*db).ok()) << "the gateway is sealed too";
}

// A copy made before events recorded whether they applied is checked as it is before a
// restore (read-only, not migrated): its events lack the columns added since.
TEST(StoreEventSeal, an_unmigrated_database_from_before_applied_still_verifies) {
    auto db = sealed_as_before(
        R"("version":2,)", "cecaeb78b2f4bdd358ece02c70ffadbb5ac865aff06043f6fb1faad60be42fc0", 15);
    ASSERT_EQ(db->scalar_int("SELECT count(*) FROM pragma_table_info('delivery_events') WHERE "
                             "name = 'applied'"),
              0);
    const auto verdict = verify_event_seals(*db);
    EXPECT_TRUE(verdict.ok()) << verdict.problem;
    EXPECT_EQ(verdict.checked, 4);
}

// A seal written before several gateways (no "version": the nine fields of version 1).
TEST(StoreEventSeal, version_1_seals_of_earlier_databases_still_verify) {
    auto db =
        sealed_as_before("", "0b72212f3a39d39d6d7fc3aecfe8083516416fc729f4dd0d87c40d5f319452f0");
    EXPECT_TRUE(verify_event_seals(*db).ok()) << verify_event_seals(*db).problem;
    db->exec("UPDATE delivery_events SET latency_ms = 38 WHERE id = 2");
    EXPECT_FALSE(verify_event_seals(*db).ok());
}

// Whoever holds the file can rewrite an entry's details and re-hash the chain after it. A seal
// whose fields have other types than Kibaru writes is named as unreadable, and week openings
// of other types are read as saying nothing; neither stops the check with an exception.
TEST(StoreEventSeal, a_seal_or_opening_with_fields_of_other_types_is_named_not_thrown_on) {
    for (const std::string details :
         {R"({"from":"1","to":4,"count":4,"sha256":"x"})",
          R"({"from":1,"to":4.5,"count":4,"sha256":"x"})",
          R"({"from":1,"to":4,"count":"4","sha256":"x"})",
          R"({"from":1,"to":4,"count":4,"sha256":7})",
          R"({"from":1,"to":4,"count":4,"sha256":"x","version":"2"})",
          R"({"from":1,"to":4,"count":4,"sha256":"x","version":99})",
          R"({"from":4,"to":1,"count":4,"sha256":"x"})",
          R"({"from":1,"to":9223372036854775807,"count":4,"sha256":"x"})",
          R"({"from":1,"to":18446744073709551615,"count":4,"sha256":"x"})", R"([1,4])"}) {
        auto db = Database::open(":memory:");
        migrate(*db);
        insert_fixed_events(*db);
        {
            Transaction tx(*db);
            AuditLog(*db).append("2019-01-08T08:00:02Z", "test", "delivery_events.sealed",
                                 "events 1-4", details);
            tx.commit();
        }
        AuditVerdict verdict;
        ASSERT_NO_THROW(verdict = verify_event_seals(*db)) << details;
        EXPECT_EQ(verdict.problem, "seal entry 1 is unreadable") << details;
        EXPECT_EQ(verdict.broken_seq, 1) << details;
    }

    auto db = Database::open(":memory:");
    migrate(*db);
    {
        Transaction tx(*db);
        for (const std::string details :
             {R"({"week":"1","targeted":3})", R"({"week":1,"targeted":"3"})",
              R"({"week":2,"targeted":9223372036854775807})",
              R"({"week":3,"targeted":0,"deliveries":{"first_id":"1","last_id":1}})",
              R"({"week":4,"targeted":0,"audience_sha256":42})", R"("week 1")"}) {
            AuditLog(*db).append("2019-01-08T08:00:00Z", "test", "week.opened", "campaign 1",
                                 details);
        }
        tx.commit();
    }
    AuditVerdict verdict;
    ASSERT_NO_THROW(verdict = verify_delivery_events(*db));
    EXPECT_TRUE(verdict.ok()) << "no deliveries, and no opening that says it made some: "
                              << verdict.problem;
}

namespace {

// Two connections to one file database, a reader (a console worker's) and a writer (the
// daemon's), on a file of the test's own name removed before and after.
class StoreAuditSnapshot : public ::testing::Test {
protected:
    void SetUp() override {
        path = ::testing::TempDir() + "kibaru-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
        remove_files();
        reader = Database::open(path);
        migrate(*reader);
        writer = Database::open(path);
    }
    void TearDown() override {
        reader->reset_cached();
        reader.reset(); // closed before the files go, so that no -wal or -shm is left behind
        writer.reset();
        remove_files();
    }
    void remove_files() const {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((path + suffix).c_str());
        }
    }
    void append(const char* phone) const {
        Transaction tx(*writer);
        AuditLog(*writer).append("2019-01-08T09:00:00Z", "awa", "contacts.optout", phone, "{}");
        tx.commit();
    }
    std::string path;
    std::unique_ptr<Database> reader;
    std::unique_ptr<Database> writer;
};

} // namespace

// The chain and the seals can be checked in one caller's snapshot (ops::verify_audit does): each
// verification nests in it, and what another connection commits meanwhile is not seen, so no
// entry is trusted that was not itself checked.
TEST_F(StoreAuditSnapshot, a_verification_nests_in_the_callers_snapshot) {
    append("+22376000001");
    reader->exec("BEGIN");
    EXPECT_EQ(reader->scalar_int("SELECT count(*) FROM audit_log"), 1); // the snapshot begins
    append("+22376000002");
    const auto chain = AuditLog(*reader).verify();
    const auto events = verify_delivery_events(*reader);
    EXPECT_TRUE(chain.ok()) << chain.problem;
    EXPECT_TRUE(events.ok()) << events.problem;
    EXPECT_EQ(chain.checked, 1) << "the entry committed after the snapshot began is not seen";
    reader->exec("COMMIT");
    EXPECT_EQ(AuditLog(*reader).verify().checked, 2);
}

// A verification leaves no read snapshot open behind it: on a long-lived connection (a console
// worker's) what another process commits afterwards is seen at once.
TEST_F(StoreAuditSnapshot, after_a_verification_the_connection_sees_later_commits) {
    ASSERT_TRUE(AuditLog(*reader).verify().ok());
    append("+22376000001");
    EXPECT_EQ(reader->scalar_int("SELECT count(*) FROM audit_log"), 1);
}
