// The use cases in process, as the CLI and the API call them: each owns its transaction and its
// audit entry (with the Env's actor), and says what went wrong with a kind the front ends
// translate.
#include "core/contact.hpp"
#include "ops/audit_trail.hpp"
#include "ops/campaigns.hpp"
#include "ops/contact_import.hpp"
#include "ops/contacts.hpp"
#include "ops/csv_table.hpp"
#include "ops/message_check.hpp"
#include "ops/messages.hpp"
#include "ops/overview.hpp"
#include "ops/reports.hpp"
#include "ops/resend.hpp"
#include "ops/unknown.hpp"
#include "ops_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <unistd.h>

using namespace kibaru;
using kibaru::test::OpsTest;

namespace {

class NoListener final : public ops::ImportListener {
public:
    void problem(const ops::ImportProblem& p) override { problems.push_back(p); }
    std::vector<ops::ImportProblem> problems;
};

class Ops : public OpsTest {
protected:
    void import(const std::string& csv, ops::ImportOptions options = {}) {
        std::istringstream in(csv);
        NoListener listener;
        auto report = ops::import_contacts(env("awa"), in, "c.csv", options, listener);
        ASSERT_TRUE(report) << report.error().message;
        problems = listener.problems;
    }
    std::int64_t campaign() {
        core::Campaign c;
        c.name = "Sésame";
        c.commodity = "sesame";
        c.start_date = "2019-01-07";
        c.timezone.clear();
        auto created = ops::create_campaign(env("awa"), c);
        EXPECT_TRUE(created) << created.error().message;
        return created->campaign.id;
    }
    std::vector<ops::ImportProblem> problems;
};

} // namespace

TEST_F(Ops, an_import_reports_each_reject_and_is_audited_with_its_actor) {
    import("phone,name\n76000001,Awa\nnot a phone,Bad\n76000001,Awa again\n");
    EXPECT_EQ(sql("SELECT count(*) FROM contacts"), "1");
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].line, 3u);
    EXPECT_EQ(problems[0].field, "phone");
    EXPECT_FALSE(problems[0].duplicate);
    EXPECT_TRUE(problems[1].duplicate);
    EXPECT_EQ(problems[1].line, 2u) << "the earlier row is the one superseded";
    EXPECT_EQ(sql("SELECT actor || ' ' || action FROM audit_log"), "awa contacts.import");
    std::istringstream bad("phone,colour\n1,red\n");
    NoListener listener;
    auto refused = ops::import_contacts(env(), bad, "c.csv", {}, listener);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ops::ErrorKind::invalid);
    EXPECT_EQ(refused.error().message.rfind("c.csv:1: header:", 0), 0u) << refused.error().message;
}

// A contacts file refused as a whole says why as data too, with the place first: a file that
// cannot be read (core::k_file_refusal_codes), and every problem of its header, in turn.
TEST_F(Ops, a_refused_contacts_file_gives_its_reasons_as_listed_codes_with_the_place_first) {
    using Args = std::vector<std::string>;
    const auto refused = [&](const std::string& text) {
        std::istringstream in(text);
        NoListener listener;
        auto report = ops::import_contacts(env(), in, "c.csv", {}, listener);
        EXPECT_FALSE(report) << text;
        EXPECT_EQ(sql("SELECT count(*) FROM contacts"), "0") << "nothing imported: " << text;
        return report ? ops::Error{} : report.error();
    };
    auto unclosed = refused("phone,name\n76000001,Awa\n76000002,\"Moussa\n");
    EXPECT_EQ(unclosed.kind, ops::ErrorKind::malformed);
    EXPECT_EQ(unclosed.message,
              "c.csv:3: quoted field opened here is never closed; nothing imported");
    EXPECT_EQ(unclosed.why.code, "file_quote_never_closed");
    EXPECT_EQ(unclosed.why.args, Args{"c.csv:3"});
    const auto utf16 = refused(std::string("\xFF\xFEp\0h\0o\0n\0e\0", 12));
    EXPECT_EQ(utf16.why.code, "file_utf16");
    EXPECT_EQ(utf16.why.args, Args{"c.csv"}) << "the file as a whole: no line";
    EXPECT_EQ(refused("").why.code, "table_empty");

    const auto header = refused("\n\ntel,couleur,nom,name\n76000001,rouge,Awa,Awa\n");
    EXPECT_EQ(header.field, "header");
    EXPECT_EQ(header.why.code, "header_unknown_column");
    EXPECT_EQ(header.why.args.at(0), "c.csv:3") << "the header's own line";
    EXPECT_EQ(header.why.args.at(1), "couleur");
    ASSERT_EQ(header.why.also.size(), 1u);
    EXPECT_EQ(header.why.also[0].code, "header_column_twice");
    EXPECT_EQ(header.why.also[0].args, (Args{"c.csv:3", "name"}));
    EXPECT_EQ(refused("name\nAwa\n").why.code, "header_no_phone");
    for (const auto& why : {unclosed.why, utf16.why, header.why, header.why.also[0]}) {
        const auto& file = kibaru::core::k_file_refusal_codes;
        const auto& head = kibaru::core::k_header_refusal_codes;
        EXPECT_TRUE(std::find(file.begin(), file.end(), why.code) != file.end() ||
                    std::find(head.begin(), head.end(), why.code) != head.end())
            << why.code;
    }
}

TEST_F(Ops, opting_out_names_a_known_phone_and_is_audited_once) {
    import("phone\n76000001\n");
    auto unknown = ops::set_contact_status(env(), "76000002", "opted_out", "api");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().kind, ops::ErrorKind::not_found);
    auto bad = ops::set_contact_status(env(), "12", "opted_out", "api");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "phone");
    EXPECT_EQ(bad.error().why.code, "phone_too_short") << "as data, for the console's French";
    EXPECT_EQ(bad.error().why.args, std::vector<std::string>{"12"}) << "the number as typed";
    auto done = ops::set_contact_status(env("fatou"), "76 00 00 01", "opted_out", "api");
    ASSERT_TRUE(done);
    EXPECT_EQ(done->phone, "+22376000001");
    EXPECT_EQ(done->previous, "active");
    auto again = ops::set_contact_status(env("fatou"), "76000001", "opted_out", "api");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->previous, "opted_out");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'contacts.optout'"), "1");
    EXPECT_EQ(sql("SELECT actor FROM audit_log WHERE action = 'contacts.optout'"), "fatou");
    EXPECT_EQ(sql("SELECT source FROM contact_status_events"), "api");
}

TEST_F(Ops, campaign_transitions_follow_the_rules_and_say_conflict_otherwise) {
    const auto id = campaign();
    EXPECT_TRUE(ops::change_campaign_status(env(), id, "cancel"));
    auto resume = ops::change_campaign_status(env(), id, "resume");
    ASSERT_FALSE(resume);
    EXPECT_EQ(resume.error().kind, ops::ErrorKind::conflict);
    auto missing = ops::change_campaign_status(env(), 42, "pause");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ops::ErrorKind::not_found);
    core::Campaign bad;
    bad.name = "x";
    bad.commodity = "rice";
    bad.start_date = "2019-13-40";
    auto refused = ops::create_campaign(env(), bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ops::ErrorKind::invalid);
}

TEST_F(Ops, messages_are_saved_all_or_none) {
    import("phone,name,commodities\n76000001,Awa,sesame\n");
    const auto id = campaign();
    auto refused = ops::save_messages(
        env(), id, {{"a", 1, "fr", "Prix {week}"}, {"b", 2, "fr", std::string(500, 'x')}}, "test");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ops::ErrorKind::invalid);
    EXPECT_NE(refused.error().message.find("b: week 2 (fr)"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(sql("SELECT count(*) FROM messages"), "0");
    auto saved = ops::save_messages(env("awa"), id, {{"a", 1, "fr", "Prix S{week}"}}, "test");
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->front().encoding, "gsm7");
    EXPECT_EQ(saved->front().audience, 1);
    EXPECT_EQ(sql("SELECT actor FROM audit_log WHERE action = 'message.set'"), "awa");
}

// The console says in French why a message was refused: a single message's refusal carries a
// listed code and its values beside the English text.
TEST_F(Ops, a_refused_message_gives_its_reason_as_a_listed_code_and_its_values) {
    import("phone,name,commodities\n76000001,Awa,sesame\n");
    const auto id = campaign();
    const auto why = [&](const std::string& text) {
        auto refused = ops::save_messages(env(), id, {{"a", 1, "fr", text}}, "test");
        EXPECT_FALSE(refused);
        const auto refusal = refused ? kibaru::core::Refusal{} : refused.error().why;
        EXPECT_NE(std::find(ops::k_message_refusal_codes.begin(),
                            ops::k_message_refusal_codes.end(), refusal.code),
                  ops::k_message_refusal_codes.end())
            << "unlisted code \"" << refusal.code << "\" for " << text;
        return refusal;
    };
    using Args = std::vector<std::string>;
    EXPECT_EQ(why("").code, "msg_empty");
    auto r = why("Prix {prix}");
    EXPECT_EQ(r.code, "msg_unknown_placeholder");
    EXPECT_EQ(r.args, Args{"prix"});
    r = why("Prix {week");
    EXPECT_EQ(r.code, "msg_bad_placeholder");
    EXPECT_EQ(r.args, Args{"6"});
    EXPECT_EQ(why("Prix } ici").code, "msg_lone_brace");
    r = why(std::string(500, 'x'));
    EXPECT_EQ(r.code, "msg_too_many_segments_for");
    EXPECT_EQ(r.args.back(), "+22376000001") << "the contact whose text is too long";
    auto two = ops::save_messages(env(), id, {{"a", 1, "fr", ""}, {"b", 2, "fr", ""}}, "test");
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error().why.code, "") << "two refusals: no single reason to translate";
}

// A campaign id or a phone that names nothing is refused alike by every operation, with a code
// the console says in French.
TEST_F(Ops, an_unknown_campaign_or_contact_gives_its_reason_as_a_listed_code) {
    using Args = std::vector<std::string>;
    const auto listed = [](const kibaru::core::Refusal& why) {
        return std::find(ops::k_unknown_refusal_codes.begin(), ops::k_unknown_refusal_codes.end(),
                         why.code) != ops::k_unknown_refusal_codes.end();
    };
    auto campaign = ops::campaign_details(env(), 999);
    ASSERT_FALSE(campaign);
    EXPECT_EQ(campaign.error().kind, ops::ErrorKind::not_found);
    EXPECT_EQ(campaign.error().why.code, "campaign_unknown");
    EXPECT_EQ(campaign.error().why.args, Args{"999"});
    EXPECT_TRUE(listed(campaign.error().why));
    auto contact = ops::contact_report(env(), "76 00 00 09");
    ASSERT_FALSE(contact);
    EXPECT_EQ(contact.error().why.code, "contact_unknown");
    EXPECT_EQ(contact.error().why.args, Args{"+22376000009"});
    EXPECT_TRUE(listed(contact.error().why));
    auto status = ops::set_contact_status(env(), "76000009", "opted_out", "api");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().why.code, "contact_unknown");
}

// Sending a week's deliveries again is refused with a listed code and its values, as the
// console says it in French.
TEST_F(Ops, a_refused_resend_gives_its_reason_as_a_listed_code) {
    using Args = std::vector<std::string>;
    const auto id = campaign();
    const auto listed = [](const ops::Error& error) {
        const auto& codes = ops::k_resend_refusal_codes;
        return std::find(codes.begin(), codes.end(), error.why.code) != codes.end();
    };
    const auto bad = ops::resend_deliveries(env(), id, 1, "sent", true);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().why.code, "resend_bad_state");
    EXPECT_EQ(bad.error().why.args, Args{"sent"});
    EXPECT_TRUE(listed(bad.error()));
    const auto not_open = ops::resend_deliveries(env(), id, 1, "failed", true);
    ASSERT_FALSE(not_open);
    EXPECT_EQ(not_open.error().kind, ops::ErrorKind::conflict);
    EXPECT_EQ(not_open.error().why.code, "resend_not_opened");
    EXPECT_EQ(not_open.error().why.args, (Args{std::to_string(id), "1"}));
    EXPECT_TRUE(listed(not_open.error()));
    // Week 1 opened as the daemon opens it, then asked for a day after it closed.
    sql("INSERT INTO campaign_weeks (campaign_id, week, opens_at, closes_at, opened_at, "
        "targeted) VALUES (" +
        std::to_string(id) +
        ", 1, '2019-01-08T08:00:00Z', '2019-01-15T08:00:00Z', '2019-01-08T08:00:00Z', 0)");
    const auto closed = ops::resend_deliveries(
        env("admin", ops::Role::admin, "2019-01-16T09:00:00Z"), id, 1, "unknown", false);
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().kind, ops::ErrorKind::conflict);
    EXPECT_EQ(closed.error().why.code, "resend_closed");
    EXPECT_EQ(closed.error().why.args, (Args{std::to_string(id), "1", "2019-01-15T08:00:00Z"}));
    EXPECT_TRUE(listed(closed.error()));
}

TEST_F(Ops, a_small_csv_names_the_file_line_and_column_at_fault) {
    std::istringstream rows("week,text\n1,a\nx,b\n");
    auto table = ops::read_csv_table(rows, "m.csv", {"week", "text"}, {}, false);
    ASSERT_TRUE(table);
    EXPECT_EQ(ops::parse_week("m.csv:3", table->rows[1].second.at("week")).error().message,
              "m.csv:3: week: \"x\" is not a week number");
    std::istringstream short_row("week,text\n1\n");
    EXPECT_EQ(ops::read_csv_table(short_row, "m.csv", {"week"}, {"text"}, false).error().message,
              "m.csv:2: row: has 1 fields but the header has 2");
    std::istringstream unknown("week,colour\n");
    EXPECT_EQ(ops::read_csv_table(unknown, "m.csv", {"week"}, {}, false).error().field, "header");
}

// Each refusal of a small table or a template's values carries a listed code and the values its
// sentence names, as the console says it in French.
TEST_F(Ops, a_refused_table_or_template_gives_its_reason_as_a_listed_code_and_its_values) {
    using Args = std::vector<std::string>;
    const auto listed = [](std::string_view code) {
        const auto& table = ops::k_table_refusal_codes;
        const auto& render = ops::k_render_refusal_codes;
        return std::find(table.begin(), table.end(), code) != table.end() ||
               std::find(render.begin(), render.end(), code) != render.end();
    };
    const auto table_why = [&](const std::string& text) {
        std::istringstream in(text);
        auto refused = ops::read_csv_table(in, "m.csv", {"week", "text"}, {}, false);
        EXPECT_FALSE(refused) << text;
        const auto why = refused ? kibaru::core::Refusal{} : refused.error().why;
        EXPECT_TRUE(listed(why.code)) << "unlisted \"" << why.code << "\" for " << text;
        return why;
    };
    EXPECT_EQ(table_why("").args, Args{"m.csv"});
    EXPECT_EQ(table_why("week,colour\n").args, (Args{"m.csv:1", "colour", "week, text"}));
    EXPECT_EQ(table_why("week,text,week\n").code, "table_column_twice");
    EXPECT_EQ(table_why("week\n").args, (Args{"m.csv:1", "text"}));
    EXPECT_EQ(table_why("week,text\n1\n").args, (Args{"m.csv:2", "1", "2"}));
    EXPECT_EQ(ops::parse_week("m.csv:3", "x").error().why.args, (Args{"m.csv:3", "x"}));

    const auto render_why = [&](const std::string& tpl, const std::string& data) {
        std::istringstream in(data);
        auto refused = ops::render_messages(tpl, "t.txt", "fr", in, "d.csv");
        EXPECT_FALSE(refused) << tpl << " / " << data;
        const auto why = refused ? kibaru::core::Refusal{} : refused.error().why;
        EXPECT_NE(why.code, "") << tpl << " / " << data;
        return why;
    };
    auto r = render_why("Prix {prix}", "week,cours\n1,650\n");
    EXPECT_EQ(r.code, "render_unknown_placeholder");
    EXPECT_EQ(r.args, (Args{"t.txt", "prix", "d.csv", "week, cours"}));
    r = render_why("Prix {prix}", "week,prix\n1,\n");
    EXPECT_EQ(r.code, "render_empty_value");
    EXPECT_EQ(r.args, (Args{"d.csv:2", "prix"}));
    r = render_why("Prix {prix}", "week,prix,language\n1,650,bm\n");
    EXPECT_EQ(r.code, "render_no_rows");
    EXPECT_EQ(r.args, (Args{"d.csv", "fr"}));
    EXPECT_EQ(render_why("Prix {prix", "week\n1\n").code, "msg_bad_placeholder");
    std::istringstream french("Semaine;Langue;prix\n3;fr;650\n4;bm;700\n");
    const auto rendered = ops::render_messages("Prix {prix}", "t.txt", "fr", french, "d.csv");
    ASSERT_TRUE(rendered) << rendered.error().message;
    ASSERT_EQ(rendered->messages.size(), 1u) << "the bm row is for the other language's template";
    EXPECT_EQ(rendered->messages[0].week, 3);
    EXPECT_EQ(rendered->messages[0].text, "Prix 650");
    std::istringstream header_only("week,text\n");
    EXPECT_EQ(ops::messages_from_csv(header_only, "m.csv").error().why.code, "messages_none");
}

TEST_F(Ops, the_campaign_report_has_a_row_for_every_week_opened_or_not) {
    const auto id = campaign();
    auto report = ops::campaign_report(env(), id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->weeks.size(), 21u);
    EXPECT_EQ(report->columns.size(), report->weeks.front().size());
    EXPECT_EQ(report->total.front(), "total");
    EXPECT_FALSE(ops::campaign_report(env(), 99));
}

// The console previews an uploaded file with a dry run while the daemon sends from the same
// database: the preview counts what the import would do without taking the write lock.
TEST(OpsImportPreview, a_dry_run_counts_like_the_import_and_holds_up_no_writer) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("kibaru-preview-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    {
        auto db = store::Database::open(path.string(), 200);
        store::migrate(*db);
        core::Config config;
        const ops::Env env{*db, config, ops::Actor{"awa", ops::Role::staff},
                           *core::parse_instant("2019-01-08T09:00:00Z")};
        NoListener quiet;
        std::istringstream first("phone,name\n76000001,Awa\n");
        ASSERT_TRUE(ops::import_contacts(env, first, "first.csv", {}, quiet));

        auto dispatcher = store::Database::open(path.string(), 200);
        dispatcher->exec("BEGIN IMMEDIATE"); // a writer in the middle of its transaction
        dispatcher->exec("UPDATE contacts SET name = 'Awa T.' WHERE phone = '+22376000001'");
        std::istringstream preview("phone,name\n76000001,Awa\n76000002,Bina\n76000002,Bina B.\n");
        ops::ImportOptions dry;
        dry.dry_run = true;
        NoListener listener;
        const auto report = ops::import_contacts(env, preview, "preview.csv", dry, listener);
        ASSERT_TRUE(report) << report.error().message;
        EXPECT_EQ(report->inserted, 1u);
        EXPECT_EQ(report->updated, 1u);
        EXPECT_EQ(report->duplicates, 1u);
        EXPECT_FALSE(report->written);
        dispatcher->exec("COMMIT");
        EXPECT_EQ(db->scalar_int("SELECT count(*) FROM contacts"), 1);
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    std::filesystem::remove(path.string() + "-shm");
}

// The overview shows every configured gateway's circuit as the engine last audited it: one down
// with the failure that opened it, one back, one never in trouble.
TEST_F(Ops, the_overview_shows_each_gateways_last_outage_or_recovery) {
    for (const char* name : {"orange", "moov", "telecel"}) {
        core::GatewayConfig g;
        g.name = name;
        config.gateways.push_back(g);
    }
    {
        store::Transaction tx(*db);
        const auto e = env("kibaru");
        ops::record(e, "gateway.outage", "gateway",
                    {{"gateway", "moov"}, {"last_error", "HTTP 500"}});
        ops::record(e, "gateway.outage", "gateway",
                    {{"gateway", "orange"}, {"last_error", "connection refused"}});
        ops::record(e, "gateway.recovered", "gateway", {{"gateway", "moov"}, {"recovered", true}});
        tx.commit();
    }
    const auto o = ops::overview(env());
    ASSERT_EQ(o.gateways.size(), 3u);
    EXPECT_EQ(o.gateways[0].name, "orange");
    EXPECT_TRUE(o.gateways[0].known && o.gateways[0].outage);
    EXPECT_EQ(o.gateways[0].last_error, "connection refused");
    EXPECT_TRUE(o.gateways[1].known);
    EXPECT_FALSE(o.gateways[1].outage) << "moov recovered after its outage";
    EXPECT_FALSE(o.gateways[2].known);
}
