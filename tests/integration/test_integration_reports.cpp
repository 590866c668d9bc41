// Reports for auditors on a campaign run through the fault-injecting gateway: reconciliation
// between `report campaign` and the per-delivery export, the completeness check, one contact's
// history, and a mutation test proving that `audit verify` catches any single edited, deleted
// or swapped audit entry or delivery event.
#include "reports_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iterator>
#include <map>
#include <sstream>

using kibaru::test::FakeGateway;
using kibaru::test::RunResult;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;
using nlohmann::json;

namespace {

using Reports = kibaru::test::ReportsFixture;

} // namespace

TEST_F(Reports, campaign_counts_equal_the_per_delivery_export) {
    const auto report = json::parse(k({"report", "campaign", "1", "--format", "json"}).out);
    ASSERT_EQ(report.size(), 4u) << "one row per week, opened or not";
    const auto deliveries = json::parse(k({"report", "deliveries", "--format", "json"}).out);
    std::map<std::pair<int, std::string>, int> exported;
    for (const auto& d : deliveries) {
        ++exported[{d["week"].get<int>(), d["state"].get<std::string>()}];
    }
    long total = 0;
    for (const auto& week : report) {
        long sum = 0;
        for (const char* state : {"pending", "sending", "retrying", "sent", "delivered", "failed",
                                  "expired", "skipped", "unknown"}) {
            const std::pair<int, std::string> key(week["week"].get<int>(), state);
            EXPECT_EQ(week[state].get<int>(), exported[key])
                << "week " << week["week"] << " " << state;
            sum += week[state].get<int>();
        }
        EXPECT_EQ(sum, week["targeted"].get<long>()) << "week " << week["week"];
        total += sum;
    }
    EXPECT_EQ(total, static_cast<long>(deliveries.size()));
    EXPECT_EQ(report[0]["failed"], 1) << "the rejected number";
    EXPECT_EQ(report[1]["targeted"], 11) << "the opted-out contact is not in week 2";
    EXPECT_EQ(report[2]["expired"], 11) << "week 3 closed unsent";
    EXPECT_EQ(report[3]["expired"], 11) << "week 4 had no message: it waited, then expired";
    const auto csv =
        k({"report", "deliveries", "--campaign", "1", "--week", "1", "--status", "failed"});
    EXPECT_NE(csv.out.find("1,1,+22376001003,failed,1,"), std::string::npos) << csv.out;
}

TEST_F(Reports, the_table_ends_with_the_weeks_added_up) {
    const auto report = json::parse(k({"report", "campaign", "1", "--format", "json"}).out);
    const auto table = k({"report", "campaign", "1"}).out;
    const auto at = table.rfind("\ntotal");
    ASSERT_NE(at, std::string::npos) << table;
    std::istringstream line(table.substr(at + 1));
    std::string label;
    line >> label; // opens_at and closes_at are empty on this row
    std::vector<std::string> cells{std::istream_iterator<std::string>(line), {}};
    const std::vector<std::string> columns = {"targeted", "pending",   "sending",       "retrying",
                                              "sent",     "delivered", "failed",        "expired",
                                              "skipped",  "unknown",   "delivery_rate", "segments"};
    ASSERT_GE(cells.size(), columns.size()) << table.substr(at);
    auto sum = [&](const std::string& column) {
        long total = 0;
        for (const auto& week : report) {
            total += week[column].get<long>();
        }
        return total;
    };
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] != "delivery_rate") {
            EXPECT_EQ(std::stol(cells[i]), sum(columns[i])) << columns[i];
        }
    }
    ASSERT_GT(sum("targeted"), 0);
    EXPECT_NEAR(std::stod(cells[10]),
                100.0 * static_cast<double>(sum("delivered")) / sum("targeted"), 0.05);
}

TEST_F(Reports, completeness_check_passes_then_fails_after_a_delivery_is_deleted) {
    const auto ok = k({"report", "campaign", "1", "--check"});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_NE(ok.err.find("0 violations"), std::string::npos);
    const auto violations = violations_after("DELETE FROM delivery_events WHERE delivery_id = 5; "
                                             "DELETE FROM deliveries WHERE id = 5");
    ASSERT_EQ(violations.size(), 3u) << violations.dump();
    EXPECT_EQ(violations[0]["kind"], "count");
    EXPECT_EQ(violations[1]["kind"], "tally") << "report campaign's counters still count it";
    EXPECT_EQ(violations[2]["kind"], "missing");
    EXPECT_EQ(violations[2]["phone"], "+22376001005");
}

TEST_F(Reports, completeness_check_catches_a_tally_edited_behind_our_back) {
    const auto violations = violations_after("UPDATE delivery_tallies SET deliveries = deliveries "
                                             "+ 1 WHERE week = 2 AND state = 'sent'");
    ASSERT_EQ(violations.size(), 1u) << violations.dump();
    EXPECT_EQ(violations[0]["kind"], "tally");
    EXPECT_EQ(violations[0]["week"], 2);
}

TEST_F(Reports, contact_report_shows_history_and_every_event) {
    const auto r = json::parse(k({"report", "contact", "76 00 10 05", "--format", "json"}).out);
    EXPECT_EQ(r["status"], "opted_out");
    ASSERT_EQ(r["status_history"].size(), 1u);
    EXPECT_EQ(r["status_history"][0]["source"], "cli");
    ASSERT_EQ(r["deliveries"].size(), 1u) << "week 1 only: it opted out before week 2";
    const auto& events = r["deliveries"][0]["events"];
    EXPECT_EQ(events[0]["state"], "pending");
    EXPECT_EQ(events[events.size() - 1]["state"], r["deliveries"][0]["state"]);
}

TEST_F(Reports, audit_verify_catches_every_single_edit_delete_and_swap) {
    ASSERT_EQ(k({"audit", "verify"}).exit_code, 0);
    const auto db = s.path("kibaru.db");
    const auto pristine = s.path("pristine.db");
    k({"status"}); // checkpoint nothing pending: copy a closed database
    std::filesystem::copy_file(db, pristine);
    auto ids = [&](const std::string& table, const std::string& key) {
        std::vector<long> out;
        std::istringstream lines(
            s.sql("SELECT " + key + " FROM " + table + " ORDER BY " + key).out);
        for (long id; lines >> id;) {
            out.push_back(id);
        }
        return out;
    };
    const auto audit = ids("audit_log", "seq");
    const auto events = ids("delivery_events", "id");
    ASSERT_GT(audit.size(), 10u);
    ASSERT_GT(events.size(), 30u);
    int mutations = 0;
    auto expect_caught = [&](const std::string& what, const std::string& sql) {
        std::filesystem::copy_file(pristine, db, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(db.string() + "-wal");
        std::filesystem::remove(db.string() + "-shm");
        ASSERT_EQ(s.sql("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS "
                        "audit_log_no_delete; " +
                        sql)
                      .exit_code,
                  0)
            << sql;
        EXPECT_EQ(k({"audit", "verify"}).exit_code, 4) << what << ": " << sql;
        ++mutations;
    };
    for (const long seq : audit) {
        const auto n = std::to_string(seq);
        expect_caught("edit audit " + n,
                      "UPDATE audit_log SET details = details || ' ' WHERE seq = " + n);
        expect_caught("delete audit " + n, "DELETE FROM audit_log WHERE seq = " + n);
        if (seq > 1) {
            const auto m = std::to_string(seq - 1);
            expect_caught("swap audit " + n,
                          "UPDATE audit_log SET seq = -1 WHERE seq = " + n +
                              "; UPDATE audit_log SET seq = " + n + " WHERE seq = " + m +
                              "; UPDATE audit_log SET seq = " + m + " WHERE seq = -1");
        }
    }
    // Every audit entry; delivery events at a stride (each mutation copies the database and
    // runs the binary, and the seals treat every event of a range alike), plus both ends.
    for (std::size_t i = 0; i < events.size();
         i = i + 1 == events.size() ? events.size() : std::min(i + 5, events.size() - 1)) {
        const long id = events[i];
        const auto n = std::to_string(id);
        expect_caught("edit event " + n,
                      "UPDATE delivery_events SET error = error || 'x' WHERE id = " + n);
        expect_caught("delete event " + n, "DELETE FROM delivery_events WHERE id = " + n);
        if (id > 1) {
            const auto m = std::to_string(id - 1);
            expect_caught("swap event " + n,
                          "UPDATE delivery_events SET id = -1 WHERE id = " + n +
                              "; UPDATE delivery_events SET id = " + n + " WHERE id = " + m +
                              "; UPDATE delivery_events SET id = " + m + " WHERE id = -1");
        }
    }
    expect_caught("insert event", "INSERT INTO delivery_events (delivery_id, at, state, attempt) "
                                  "VALUES (1, '2019-01-08T10:00:00Z', 'delivered', 1)");
    std::cout << mutations << " mutations of " << audit.size() << " audit entries and "
              << events.size() << " delivery events, every one caught\n";
}

// The seals cover the events; the deliveries and the tallies that the reports read are
// checked against the replay of those events. Each edit here is what someone holding the file
// would do to turn a week's failures into successes, made consistent with the tallies so that
// `report campaign --check` alone would not see it.
TEST_F(Reports, audit_verify_catches_deliveries_and_tallies_edited_behind_its_back) {
    ASSERT_EQ(k({"audit", "verify"}).exit_code, 0);
    const auto db = s.path("kibaru.db");
    const auto pristine = s.path("pristine-deliveries.db");
    k({"status"});
    std::filesystem::copy_file(db, pristine);
    auto first = [&](const std::string& query) {
        auto out = s.sql(query).out;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
            out.pop_back();
        }
        return out;
    };
    const auto failed = first("SELECT id FROM deliveries WHERE state = 'failed' LIMIT 1");
    const auto sent = first("SELECT id FROM deliveries WHERE state IN ('sent', 'delivered') AND "
                            "segments > 0 LIMIT 1");
    ASSERT_FALSE(failed.empty()) << "the fixture rejects one number";
    ASSERT_FALSE(sent.empty());
    // Moves delivery `id`'s count (and `segments` more of them) in the tallies to `to`.
    auto retally = [](const std::string& id, const std::string& to, int segments = 0) {
        const std::string of = "(SELECT campaign_id, week FROM deliveries WHERE id = " + id + ")";
        return "UPDATE delivery_tallies SET deliveries = deliveries - 1, segments = segments - "
               "(SELECT segments FROM deliveries WHERE id = " +
               id + ") WHERE (campaign_id, week) = " + of +
               " AND state = (SELECT state FROM deliveries WHERE id = " + id +
               "); INSERT INTO delivery_tallies SELECT campaign_id, week, '" + to +
               "', 1, segments + " + std::to_string(segments) +
               " FROM deliveries WHERE id = " + id +
               " ON CONFLICT DO UPDATE SET deliveries = deliveries + 1, segments = segments + "
               "excluded.segments; ";
    };
    int caught = 0;
    auto expect_caught = [&](const std::string& what, const std::string& sql,
                             const std::string& problem) {
        std::filesystem::copy_file(pristine, db, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(db.string() + "-wal");
        std::filesystem::remove(db.string() + "-shm");
        ASSERT_EQ(s.sql(sql).exit_code, 0) << sql;
        const auto r = k({"audit", "verify"});
        EXPECT_EQ(r.exit_code, 4) << what << ": " << sql << "\n" << r.out;
        EXPECT_NE(r.out.find(problem), std::string::npos) << what << ": " << r.out;
        caught += r.exit_code == 4;
    };
    expect_caught("a failure made a delivery, tallies moved along",
                  retally(failed, "delivered") +
                      "UPDATE deliveries SET state = 'delivered', "
                      "error = '' WHERE id = " +
                      failed,
                  "delivery " + failed + " is delivered where its sealed events leave it failed");
    expect_caught("a delivery's segments halved, tallies along",
                  "UPDATE delivery_tallies SET segments = segments - 1 WHERE (campaign_id, week, "
                  "state) = (SELECT campaign_id, week, state FROM deliveries WHERE id = " +
                      sent + "); UPDATE deliveries SET segments = segments - 1 WHERE id = " + sent,
                  "delivery " + sent + " counts");
    expect_caught("a tally alone",
                  "UPDATE delivery_tallies SET deliveries = deliveries + 1 WHERE state = "
                  "'delivered' OR state = 'sent'",
                  "the tally of campaign 1 week");
    expect_caught("a delivery deleted, tallies along",
                  "UPDATE delivery_tallies SET deliveries = deliveries - 1, segments = segments "
                  "- (SELECT segments FROM deliveries WHERE id = " +
                      failed +
                      ") WHERE (campaign_id, week, state) = (SELECT campaign_id, week, state FROM "
                      "deliveries WHERE id = " +
                      failed + "); DELETE FROM deliveries WHERE id = " + failed,
                  "has sealed events but no row");
    expect_caught("a delivery inserted, tallies along",
                  "INSERT INTO deliveries (campaign_id, week, contact_id, language, state, "
                  "updated_at) SELECT 1, 4, max(id) + 1000, 'fr', 'pending', 'x' FROM contacts; "
                  "UPDATE delivery_tallies SET deliveries = deliveries + 1 WHERE campaign_id = 1 "
                  "AND week = 4 AND state = 'pending'",
                  "is not among the deliveries its opening created");
    // An id far beyond those Kibaru gives: caught before the replay sizes itself by it.
    expect_caught("a delivery inserted with a huge id",
                  "INSERT INTO deliveries (id, campaign_id, week, contact_id, language, state, "
                  "updated_at) VALUES (10000000000, 1, 4, 999999, 'fr', 'pending', 'x')",
                  "delivery ids reach 10000000000 where the weeks' openings created");
    // Who a delivery was for: its contact, and that contact's phone, as the opening sealed them.
    const std::string contact_of = "(SELECT contact_id FROM deliveries WHERE id = " + sent + ")";
    expect_caught("a contact's phone changed",
                  "UPDATE contacts SET phone = '+22376999999' WHERE id = " + contact_of,
                  "its deliveries are not for the contacts and phones its opening sealed");
    const std::string other = "(SELECT max(id) FROM deliveries WHERE (campaign_id, week) = "
                              "(SELECT campaign_id, week FROM deliveries WHERE id = " +
                              sent + ") AND id != " + sent + ")";
    expect_caught(
        "two deliveries of a week swap contacts",
        "CREATE TEMP TABLE pair AS SELECT " + contact_of +
            " AS a, (SELECT contact_id FROM deliveries WHERE id = " + other +
            ") AS b; UPDATE deliveries SET contact_id = -1 WHERE id = " + sent +
            "; UPDATE deliveries SET contact_id = (SELECT a FROM pair) WHERE id = " + other +
            "; UPDATE deliveries SET contact_id = (SELECT b FROM pair) WHERE id = " + sent,
        "its deliveries are not for the contacts and phones its opening sealed");
    EXPECT_EQ(caught, 8);
}

TEST_F(Reports, the_auditors_independent_verifier_agrees_with_the_binary) {
    const std::string script = std::string(KIBARU_SOURCE_DIR) + "/scripts/verify-audit.py";
    const auto ok = kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("audit log intact"), std::string::npos);
    ASSERT_EQ(s.sql("UPDATE delivery_events SET http_status = 200 WHERE http_status = 202 AND "
                    "id = (SELECT max(id) FROM delivery_events WHERE http_status = 202)")
                  .exit_code,
              0);
    const auto broken = kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {});
    EXPECT_EQ(broken.exit_code, 4) << broken.out;
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 4);
}

TEST_F(Reports, the_independent_verifier_replays_deliveries_from_their_events_too) {
    const std::string script = std::string(KIBARU_SOURCE_DIR) + "/scripts/verify-audit.py";
    const auto ok = kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {});
    ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    // A failure made a delivery, with the tallies moved along: no event or entry changed.
    ASSERT_EQ(s.sql("UPDATE delivery_tallies SET deliveries = deliveries - 1 WHERE state = "
                    "'failed' AND week = 1; UPDATE delivery_tallies SET deliveries = deliveries "
                    "+ 1 WHERE state = 'delivered' AND week = 1; UPDATE deliveries SET state = "
                    "'delivered' WHERE id = (SELECT min(id) FROM deliveries WHERE state = "
                    "'failed' AND week = 1)")
                  .exit_code,
              0);
    const auto broken = kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {});
    EXPECT_EQ(broken.exit_code, 4) << broken.out << broken.err;
    EXPECT_NE(broken.out.find("where its sealed events leave it failed"), std::string::npos)
        << broken.out;
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 4);
}

// The script recomputes each week's audience digest as the binary does: intact as written, and
// a contact's phone changed after the opening is named.
TEST_F(Reports, the_independent_verifier_checks_who_each_delivery_is_for) {
    const std::string script = std::string(KIBARU_SOURCE_DIR) + "/scripts/verify-audit.py";
    const auto sealed = s.sql("SELECT count(*) FROM audit_log WHERE action = 'week.opened' AND "
                              "length(json_extract(details, '$.audience_sha256')) = 64");
    ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
    EXPECT_GT(std::stoi(sealed.out), 0) << "the openings seal their audience: " << sealed.out;
    ASSERT_EQ(kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {}).exit_code,
              0);
    ASSERT_EQ(s.sql("UPDATE contacts SET phone = '+22376999999' WHERE id = (SELECT min(contact_id) "
                    "FROM deliveries)")
                  .exit_code,
              0);
    const auto broken = kibaru::test::run_process({"python3", script, "kibaru.db"}, s.dir(), {});
    EXPECT_EQ(broken.exit_code, 4) << broken.out << broken.err;
    EXPECT_NE(broken.out.find("its deliveries are not for the contacts and phones its opening "
                              "sealed"),
              std::string::npos)
        << broken.out;
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 4);
}
