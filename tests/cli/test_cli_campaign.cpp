// End-to-end: campaigns and weekly messages from the command line, as program staff use them.
#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using kibaru::test::RunResult;
using kibaru::test::Scratch;
using nlohmann::json;

namespace {

// 3 French and 2 Bambara sesame producers in two regions, one rice producer, one opted out.
void import_producers(const Scratch& s) {
    s.write("producers.csv", "phone,name,region,commodities,language\n"
                             "76000001,Awa,Dioila,sesame,bm\n"
                             "76000002,Moussa,Kita,sesame,fr\n"
                             "76000003,Fanta,Kita,sesame;rice,fr\n"
                             "76000004,Seydou,Dioila,sesame,bm\n"
                             "76000005,Mariam,Ségou,rice,fr\n"
                             "76000006,Drissa,Kita,sesame,fr\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "producers.csv"}).exit_code, 0);
    ASSERT_EQ(s.kibaru({"contacts", "optout", "76000006"}).exit_code, 0);
}

// `campaign create` with the usual options; `extra` adds options or replaces --start.
std::vector<std::string> create_args(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"campaign",    "create",      "--name",
                                     "Sésame 2019", "--commodity", "sesame"};
    if (std::find(extra.begin(), extra.end(), "--start") == extra.end()) {
        args.insert(args.end(), {"--start", "2019-01-07"});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string create(const Scratch& s, const std::vector<std::string>& extra = {}) {
    const auto r = s.kibaru(create_args(extra));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
}

RunResult set_message(const Scratch& s, const std::string& id, int week, const std::string& text,
                      const std::string& language = "fr") {
    return s.kibaru({"messages", "set", id, "--week", std::to_string(week), "--language", language,
                     "--text", text});
}

json messages_of(const Scratch& s, const std::string& id) {
    return json::parse(s.kibaru({"messages", "list", id, "--format", "json"}).out);
}

} // namespace

TEST(CliCampaign, create_prints_the_id_alone_and_show_lists_21_weeks_in_bamako) {
    Scratch s;
    const auto r = s.kibaru({"campaign", "create", "--name", "Sésame 2019", "--commodity", "sesame",
                             "--start", "2019-01-07"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "1\n");
    const auto show = json::parse(s.kibaru({"campaign", "show", "1", "--format", "json"}).out);
    EXPECT_EQ(show["id"], 1);
    EXPECT_EQ(show["name"], "Sésame 2019");
    EXPECT_EQ(show["commodity"], "sesame");
    EXPECT_EQ(show["status"], "active");
    EXPECT_EQ(show["timezone"], "Africa/Bamako");
    ASSERT_EQ(show["weeks"].size(), 21u);
    EXPECT_EQ(show["weeks"][0]["opens_at"], "2019-01-08T08:00:00Z");
    EXPECT_EQ(show["weeks"][0]["closes_at"], "2019-01-15T08:00:00Z");
    EXPECT_EQ(show["weeks"][20]["opens_at"], "2019-05-28T08:00:00Z");
    EXPECT_EQ(show["weeks"][20]["closes_at"], "2019-06-04T08:00:00Z");
}

TEST(CliCampaign, a_dst_zone_keeps_the_local_send_time) {
    Scratch s;
    const auto id = create(s, {"--timezone", "Europe/Paris", "--send-day", "Tuesday", "--send-time",
                               "09:30", "--start", "2019-03-18"});
    const auto show = json::parse(s.kibaru({"campaign", "show", id, "--format", "json"}).out);
    EXPECT_EQ(show["timezone"], "Europe/Paris");
    EXPECT_EQ(show["weeks"][0]["opens_at"], "2019-03-19T08:30:00Z");
    EXPECT_EQ(show["weeks"][1]["opens_at"], "2019-03-26T08:30:00Z");
    EXPECT_EQ(show["weeks"][2]["opens_at"], "2019-04-02T07:30:00Z");
}

TEST(CliCampaign, bad_dates_zones_and_weeks_exit_2_naming_the_option) {
    Scratch s;
    auto err_of = [&](const std::vector<std::string>& extra) {
        const auto r = s.kibaru(create_args(extra));
        EXPECT_EQ(r.exit_code, 2);
        return r.err;
    };
    EXPECT_NE(err_of({"--start", "2019-02-30"}).find("--start: \"2019-02-30\""), std::string::npos);
    EXPECT_NE(err_of({"--timezone", "Africa/Atlantis"}).find("--timezone"), std::string::npos);
    EXPECT_NE(err_of({"--weeks", "0"}).find("--weeks: 0 is out of range"), std::string::npos);
    EXPECT_NE(err_of({"--weeks", "105"}).find("--weeks"), std::string::npos);
    EXPECT_NE(err_of({"--send-day", "someday"}).find("--send-day"), std::string::npos);
    EXPECT_EQ(s.kibaru({"campaign", "list", "--format", "json"}).out, "[]\n");
}

TEST(CliCampaign, unknown_placeholder_is_refused_with_its_name) {
    Scratch s;
    const auto id = create(s);
    const auto r = set_message(s, id, 1, "{name}: sésame {prix} FCFA/kg");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown placeholder {prix}"), std::string::npos) << r.err;
    EXPECT_TRUE(messages_of(s, id).empty());
}

TEST(CliCampaign, gsm7_160_is_one_segment_161_is_two_over_max_is_refused) {
    Scratch s;
    const auto id = create(s);
    ASSERT_EQ(set_message(s, id, 1, std::string(160, 'a')).exit_code, 0);
    ASSERT_EQ(set_message(s, id, 2, std::string(161, 'a')).exit_code, 0);
    const auto list = messages_of(s, id);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["encoding"], "gsm7");
    EXPECT_EQ(list[0]["segments"], 1);
    EXPECT_EQ(list[1]["segments"], 2);
    const auto too_long = set_message(s, id, 3, std::string(460, 'a'));
    EXPECT_EQ(too_long.exit_code, 2);
    EXPECT_NE(too_long.err.find("4 gsm7 segments, more than [sms] max_segments = 3"),
              std::string::npos)
        << too_long.err;
}

TEST(CliCampaign, bambara_is_ucs2_under_auto_and_gsm7_under_translit) {
    Scratch s;
    const auto id = create(s);
    ASSERT_EQ(set_message(s, id, 1, "Bɛnɛ sɔngɔ: 650 FCFA", "bm").exit_code, 0);
    EXPECT_EQ(messages_of(s, id)[0]["encoding"], "ucs2");

    s.write("translit.toml", "[sms]\nencoding = \"translit\"\n");
    const auto r = s.kibaru({"--config", "translit.toml", "messages", "set", id, "--week", "1",
                             "--language", "bm", "--text", "Bɛnɛ sɔngɔ: 650 FCFA"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(messages_of(s, id)[0]["encoding"], "gsm7");
    const auto preview = json::parse(s.kibaru({"--config", "translit.toml", "campaign", "preview",
                                               id, "--week", "1", "--format", "json"})
                                         .out);
    EXPECT_EQ(preview["messages"][1]["text"], "Bènè songo: 650 FCFA");
}

TEST(CliCampaign, week_out_of_range_and_unknown_language_are_refused) {
    Scratch s;
    const auto id = create(s, {"--weeks", "3"});
    EXPECT_EQ(set_message(s, id, 4, "hello").exit_code, 2);
    EXPECT_EQ(set_message(s, id, 0, "hello").exit_code, 2);
    EXPECT_EQ(set_message(s, id, 1, "hello", "en").exit_code, 2);
    EXPECT_EQ(s.kibaru({"messages", "set", "99", "--week", "1", "--text", "x"}).exit_code, 1);
}

TEST(CliCampaign, preview_audience_and_cost_match_the_contacts_imported) {
    Scratch s;
    import_producers(s);
    const auto id = create(s);
    ASSERT_EQ(
        set_message(s, id, 1, "{name}, sésame S{week}/{weeks}: Kita 610-660 FCFA/kg").exit_code, 0);
    ASSERT_EQ(set_message(s, id, 1, "{name}, bɛnɛ dɔgɔkun {week}: Kita 610-660", "bm").exit_code,
              0);
    const auto r = s.kibaru({"campaign", "preview", id, "--week", "1", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto p = json::parse(r.out);
    // Active sesame growers: Awa, Seydou (bm); Moussa, Fanta (fr). Drissa opted out.
    EXPECT_EQ(p["week"], 1);
    EXPECT_EQ(p["audience"], 4);
    EXPECT_EQ(p["cost"], 4 * 1 * 15.0) << "4 contacts x 1 segment x 15 XOF";
    ASSERT_EQ(p["messages"].size(), 2u);
    EXPECT_EQ(p["messages"][0]["language"], "fr");
    EXPECT_EQ(p["messages"][0]["audience"], 2);
    EXPECT_EQ(p["messages"][0]["encoding"], "gsm7");
    EXPECT_EQ(p["messages"][0]["segments"], 1);
    EXPECT_EQ(p["messages"][0]["text"], "Moussa, sésame S1/21: Kita 610-660 FCFA/kg");
    EXPECT_EQ(p["messages"][1]["language"], "bm");
    EXPECT_EQ(p["messages"][1]["audience"], 2);
    EXPECT_EQ(p["messages"][1]["encoding"], "ucs2");

    const auto one = json::parse(s.kibaru({"campaign", "preview", id, "--week", "1", "--phone",
                                           "76 00 00 03", "--format", "json"})
                                     .out);
    EXPECT_EQ(one["messages"][0]["text"], "Fanta, sésame S1/21: Kita 610-660 FCFA/kg");
    EXPECT_EQ(one["in_audience"], true);
}

TEST(CliCampaign, filters_choose_the_audience) {
    Scratch s;
    import_producers(s);
    const auto id = create(s, {"--region", "kita", "--language", "fr"});
    ASSERT_EQ(set_message(s, id, 1, "Prix du sésame: 650 FCFA/kg").exit_code, 0);
    const auto p =
        json::parse(s.kibaru({"campaign", "preview", id, "--week", "1", "--format", "json"}).out);
    EXPECT_EQ(p["audience"], 2);
    ASSERT_EQ(p["messages"].size(), 1u) << "only the campaign's languages";
}

TEST(CliCampaign, render_fills_the_shipped_templates_for_21_weeks) {
    Scratch s;
    import_producers(s);
    const auto id = create(s);
    const std::string dir = std::string(KIBARU_SOURCE_DIR) + "/templates/";
    for (const char* language : {"fr", "bm"}) {
        const auto r =
            s.kibaru({"messages", "render", id, "--template", dir + "sesame." + language + ".txt",
                      "--data", dir + "sesame-prices.csv"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const auto list = messages_of(s, id);
    EXPECT_EQ(list.size(), 42u);
    EXPECT_EQ(s.sql("SELECT count(*) FROM audit_log WHERE action = 'message.set'").out, "42\n");
    const auto p =
        json::parse(s.kibaru({"campaign", "preview", id, "--week", "3", "--format", "json"}).out);
    EXPECT_NE(p["messages"][0]["text"].get<std::string>().find("Moussa, sésame S3/21: "),
              std::string::npos)
        << p.dump();
}

TEST(CliCampaign, render_refuses_a_placeholder_missing_from_the_data) {
    Scratch s;
    const auto id = create(s);
    s.write("t.fr.txt", "{market}: {price_min}-{price_max} FCFA/kg\n");
    s.write("d.csv", "week,market,price_min\n1,Kita,600\n");
    const auto r =
        s.kibaru({"messages", "render", id, "--template", "t.fr.txt", "--data", "d.csv"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown placeholder {price_max}"), std::string::npos) << r.err;
    s.write("e.csv", "week,market,price_min,price_max\n1,Kita,600,\n");
    const auto empty =
        s.kibaru({"messages", "render", id, "--template", "t.fr.txt", "--data", "e.csv"});
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_NE(empty.err.find("e.csv:2: price_max: is empty"), std::string::npos) << empty.err;
    EXPECT_TRUE(messages_of(s, id).empty());
}

TEST(CliCampaign, messages_import_is_all_or_nothing) {
    Scratch s;
    const auto id = create(s);
    s.write("ok.csv", "week,language,text\n1,fr,Semaine 1\n2,fr,\"Semaine 2, hausse\"\n"
                      "1,bm,Dɔgɔkun 1\n");
    ASSERT_EQ(s.kibaru({"messages", "import", id, "ok.csv"}).exit_code, 0);
    EXPECT_EQ(messages_of(s, id).size(), 3u);
    s.write("bad.csv", "week,language,text\n3,fr,Semaine 3\n40,fr,Semaine 40\n");
    const auto r = s.kibaru({"messages", "import", id, "bad.csv"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad.csv:3: week 40 is out of range"), std::string::npos) << r.err;
    EXPECT_EQ(messages_of(s, id).size(), 3u) << "week 3 was not saved either";
}

// Excel's "Texte Unicode" is UTF-16: every import refuses it the same way, as a file that cannot
// be read at all (exit 1, like an unclosed quote), saying how to save it instead.
TEST(CliCampaign, every_import_refuses_a_utf16_file_alike) {
    Scratch s;
    const auto id = create(s);
    const auto utf16 = [](const std::string& text) {
        std::string out = "\xFF\xFE"; // little-endian, with its byte order mark, as Excel writes
        for (const char c : text) {
            out += c;
            out += '\0';
        }
        return out;
    };
    s.write("contacts16.csv", utf16("phone,name\n76000001,Awa\n"));
    s.write("prices16.csv", utf16("date,commodity,market,price_min,price_max\n"
                                  "2019-01-07,sesame,Kita,600,650\n"));
    s.write("messages16.csv", utf16("week,language,text\n1,fr,Semaine 1\n"));
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"contacts", "import", "contacts16.csv"},
                                               {"prices", "import", "prices16.csv"},
                                               {"messages", "import", id, "messages16.csv"}}) {
        const auto r = s.kibaru(args);
        EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
        EXPECT_NE(r.err.find(args.back() + ": is UTF-16 text"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("CSV UTF-8"), std::string::npos) << r.err;
    }
    EXPECT_EQ(s.sql("SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM prices) + "
                    "(SELECT count(*) FROM messages)")
                  .out,
              "0\n")
        << "nothing imported";
}

TEST(CliCampaign, pause_resume_cancel_are_audited_and_cancel_is_final) {
    Scratch s;
    const auto id = create(s);
    EXPECT_EQ(s.kibaru({"campaign", "pause", id}).exit_code, 0);
    EXPECT_EQ(s.kibaru({"campaign", "pause", id}).exit_code, 2);
    EXPECT_EQ(s.kibaru({"campaign", "resume", id}).exit_code, 0);
    EXPECT_EQ(s.kibaru({"campaign", "cancel", id}).exit_code, 0);
    EXPECT_EQ(s.kibaru({"campaign", "resume", id}).exit_code, 2);
    EXPECT_EQ(set_message(s, id, 1, "trop tard").exit_code, 2);
    EXPECT_EQ(s.sql("SELECT group_concat(action, ' ') FROM audit_log WHERE subject = "
                    "'campaign 1'")
                  .out,
              "campaign.create campaign.pause campaign.resume campaign.cancel\n");
    const auto list = json::parse(s.kibaru({"campaign", "list", "--format", "json"}).out);
    EXPECT_EQ(list[0]["status"], "cancelled");
    EXPECT_EQ(s.kibaru({"audit", "verify"}).exit_code, 0);
}

// Names and texts that look like SQL are data: stored and shown verbatim, nothing executed.
TEST(CliCampaign, sql_looking_names_and_message_texts_are_stored_verbatim) {
    Scratch s;
    const std::string name = "Awa'); DROP TABLE contacts;--";
    const std::string text = "{name}: 650 FCFA' OR '1'='1; DELETE FROM messages;--";
    s.write("p.csv", "phone,name,commodities,language\n76000001,\"" + name + "\",sesame,fr\n");
    ASSERT_EQ(s.kibaru({"contacts", "import", "p.csv"}).exit_code, 0);
    const auto id = create(s);
    ASSERT_EQ(set_message(s, id, 1, text).exit_code, 0);
    const auto contacts = json::parse(s.kibaru({"contacts", "list", "--format", "json"}).out);
    ASSERT_EQ(contacts.size(), 1u);
    EXPECT_EQ(contacts[0]["name"], name);
    EXPECT_EQ(messages_of(s, id)[0]["text"], text);
    const auto p =
        json::parse(s.kibaru({"campaign", "preview", id, "--week", "1", "--format", "json"}).out);
    EXPECT_EQ(p["messages"][0]["text"], name + ": 650 FCFA' OR '1'='1; DELETE FROM messages;--");
    EXPECT_EQ(s.sql("SELECT count(*) FROM contacts").out, "1\n");
}
