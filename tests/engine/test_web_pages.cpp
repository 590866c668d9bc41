// The console's pages without a browser: the catalogue has every string in French and English
// (and every key the pages use), numbers and money are written the French way, HTML escapes
// what it did not write, and a multipart upload is read as a browser sends it.
#include "core/campaign.hpp"
#include "core/contact.hpp"
#include "core/delivery.hpp"
#include "core/keywords.hpp"
#include "core/phone.hpp"
#include "ops/accounts.hpp"
#include "ops/csv_table.hpp"
#include "ops/inbound.hpp"
#include "ops/message_check.hpp"
#include "ops/messages.hpp"
#include "ops/prices.hpp"
#include "ops/resend.hpp"
#include "ops/unknown.hpp"
#include "web/console.hpp"
#include "web/multipart.hpp"
#include "web/pages/html.hpp"
#include "web/pages/i18n.hpp"
#include "web/pages/page.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <span>
#include <sstream>
#include <thread>

using namespace kibaru::web;
using namespace kibaru::web::pages;

TEST(WebPages, every_catalogue_entry_has_both_languages_once) {
    std::set<std::string_view> keys;
    for (const auto& e : catalogue()) {
        EXPECT_TRUE(keys.insert(e.key).second) << "twice: " << e.key;
        EXPECT_FALSE(e.fr.empty()) << e.key;
        EXPECT_FALSE(e.en.empty()) << e.key;
    }
}

// What the operations refuse with a code (an import's rejects, a refused message, account change,
// table of values or template, an unknown campaign or contact, a file that cannot be read, a
// contacts header, a resend, a hand reply) is written in French from the code: every code has its
// sentence, and both languages name the same values.
TEST(WebPages, every_reject_code_has_its_sentence_with_the_same_values_in_both_languages) {
    const auto placeholders = [](std::string_view text) {
        std::set<char> found;
        for (std::size_t i = 0; i + 2 < text.size(); ++i) {
            if (text[i] == '{' && text[i + 2] == '}') {
                found.insert(text[i + 1]);
            }
        }
        return found;
    };
    namespace core = kibaru::core;
    namespace ops = kibaru::ops;
    using Codes = std::span<const std::string_view>;
    std::vector<std::string_view> codes;
    for (const Codes listed :
         {Codes(core::k_row_reject_codes), Codes(core::k_phone_refusal_codes),
          Codes(ops::k_message_refusal_codes), Codes(ops::k_account_refusal_codes),
          Codes(ops::k_unknown_refusal_codes), Codes(ops::k_table_refusal_codes),
          Codes(ops::k_render_refusal_codes), Codes(core::k_file_refusal_codes),
          Codes(core::k_header_refusal_codes), Codes(ops::k_resend_refusal_codes),
          Codes(ops::k_reply_refusal_codes), Codes(ops::k_price_refusal_codes)}) {
        codes.insert(codes.end(), listed.begin(), listed.end());
    }
    for (const auto code : codes) {
        const std::string key = "reject." + std::string(code);
        const auto entry = std::find_if(catalogue().begin(), catalogue().end(),
                                        [&](const Entry& e) { return e.key == key; });
        ASSERT_NE(entry, catalogue().end()) << key;
        EXPECT_EQ(placeholders(entry->fr), placeholders(entry->en)) << key;
    }
    EXPECT_EQ(fill(tr(Lang::fr, "reject.row_unknown_language"), {"xx", "fr, bm"}),
              "« xx » n'est pas une langue configurée (fr, bm)");
    EXPECT_EQ(fill("{1} et {2}, {3}", {"a", "b"}), "a et b, {3}") << "a missing value stays";
    EXPECT_EQ(explain(Lang::fr, {"msg_unknown_placeholder", {"prix"}}, "english"),
              "champ inconnu {prix} : un message peut utiliser {name}, {organisation}, {region}, "
              "{week}, {weeks} et {commodity}");
    EXPECT_EQ(explain(Lang::fr, {}, "english"), "english") << "no code: the English text";
    // What libzip or libxml2 said stays in their words, named as such for the IT person.
    EXPECT_EQ(
        explain(Lang::fr, {"file_workbook_unreadable", {"p.xlsx", "Not a zip archive"}}, "english"),
        "p.xlsx : ce classeur ne peut pas être lu ; s'il a été abîmé, enregistrez-le de "
        "nouveau depuis Excel en .xlsx ou en CSV (détail technique, pour l'informaticien : "
        "Not a zip archive)");
    // Reasons given at once are said in turn.
    const kibaru::core::Refusal header{"header_unknown_column",
                                       {"c.csv:1", "couleur", "phone,name"},
                                       {{"header_column_twice", {"c.csv:1", "name"}}}};
    EXPECT_EQ(
        explain(Lang::fr, header, "english"),
        "c.csv:1 : en-tête : colonne inconnue « couleur » (les colonnes possibles sont "
        "phone,name, ou leurs noms en français : téléphone, nom, coopérative, type, région, "
        "filière, langue, étiquettes) ; c.csv:1 : en-tête : la colonne « name » apparaît deux "
        "fois");
    EXPECT_EQ(explain(Lang::en, {"file_quote_never_closed", {"c.csv:3"}}, "english"),
              "c.csv:3: quoted field opened here is never closed");
}

// The README's example of a reject said in French is what the import review shows: the row
// check's refusal of a fixed line in Bamako, through the catalogue.
TEST(WebPages, a_fixed_line_is_refused_in_french_as_the_readme_shows) {
    const kibaru::core::PhoneNormalizer mali("ML");
    const auto columns = kibaru::core::ContactColumns::from_header({"phone"});
    ASSERT_TRUE(columns.ok());
    const kibaru::core::CsvRecord row{5, {"20 22 33 44"}, -1, false};
    const auto checked =
        kibaru::core::contact_from_row(row, *columns, kibaru::core::ContactRules{&mali, {"fr"}});
    const auto* refused = std::get_if<kibaru::core::FieldError>(&checked);
    ASSERT_NE(refused, nullptr);
    EXPECT_EQ(explain(Lang::fr, refused->why, refused->reason),
              "« 20 22 33 44 » est un numéro fixe, pas un mobile");
    EXPECT_EQ(explain(Lang::en, refused->why, refused->reason),
              "\"20 22 33 44\" is a fixed-line number, not a mobile");
}

// Every key a page names, literally or as a family (state.<each delivery state>, ...), is in
// the catalogue: a page never shows "[nav.oops]".
TEST(WebPages, every_key_the_pages_use_is_in_the_catalogue) {
    std::set<std::string> known;
    for (const auto& e : catalogue()) {
        known.insert(std::string(e.key));
    }
    const std::set<std::string> families = {
        "nav",      "role",     "form",    "error",   "page",     "signin",  "status",
        "state",    "overview", "warning", "gateway", "contacts", "contact", "import",
        "campaign", "confirm",  "week",    "day",     "editor",   "report",  "delivery",
        "audit",    "users",    "punct",   "inbox",   "prices"};
    const std::regex key(R"re("([a-z]+)\.([a-z_]+)")re");
    const auto dir = std::filesystem::path(KIBARU_SOURCE_DIR) / "daemon/web/pages";
    int seen = 0;
    for (const auto& file : std::filesystem::directory_iterator(dir)) {
        if (file.path().extension() != ".cpp" || file.path().filename() == "i18n.cpp") {
            continue;
        }
        std::ifstream in(file.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (std::sregex_iterator it(source.begin(), source.end(), key), end; it != end; ++it) {
            const std::string family = (*it)[1];
            const std::string name = (*it)[1].str() + "." + (*it)[2].str();
            const std::string leaf = (*it)[2];
            if (!families.count(family) || name.back() == '_' || leaf == "js" || leaf == "css" ||
                leaf == "csv" || leaf == "png") {
                continue; // not a key ("app.css"), or the start of a family ("campaign.field_")
            }
            ++seen;
            EXPECT_TRUE(known.count(name)) << file.path().filename() << ": " << name;
        }
    }
    EXPECT_GT(seen, 100) << "the pages were read";
    for (const auto intent :
         {kibaru::core::Intent::none, kibaru::core::Intent::price, kibaru::core::Intent::subscribe,
          kibaru::core::Intent::unsubscribe, kibaru::core::Intent::help, kibaru::core::Intent::stop,
          kibaru::core::Intent::start}) {
        EXPECT_TRUE(known.count("inbox.matched_" + std::string(kibaru::core::intent_name(intent))))
            << "the inbox names what each message matched: " << kibaru::core::intent_name(intent);
    }
    for (const auto value : kibaru::core::k_delivery_states) {
        const std::string state(kibaru::core::to_string(value));
        EXPECT_TRUE(known.count("state." + std::string(state))) << state;
        EXPECT_TRUE(known.count("report." + std::string(state)) || state == "pending" ||
                    state == "sending" || state == "retrying" || state == "skipped")
            << state;
    }
    for (const char* name : {"status.active",
                             "status.paused",
                             "status.cancelled",
                             "status.opted_out",
                             "role.admin",
                             "role.staff",
                             "role.auditor",
                             "day.mon",
                             "day.sun",
                             "week.open",
                             "week.closed",
                             "week.upcoming",
                             "confirm.pause",
                             "confirm.resume",
                             "confirm.cancel",
                             "campaign.field_name",
                             "campaign.field_commodity",
                             "campaign.field_start",
                             "prices.col_price_min",
                             "prices.col_price_max",
                             "prices.trend_up",
                             "prices.trend_down",
                             "prices.trend_stable"}) {
        EXPECT_TRUE(known.count(name)) << name;
    }
}

// The campaign form explains a refused field in the reader's language; the limit it states is
// the one core enforces.
TEST(WebPages, the_campaign_forms_explanations_state_core_limits) {
    const auto max = std::to_string(kibaru::core::k_max_campaign_weeks);
    for (const auto lang : {Lang::fr, Lang::en}) {
        EXPECT_NE(tr(lang, "campaign.invalid_weeks").find(max), std::string::npos);
        for (const char* field : {"name", "commodity", "weeks", "start", "send_day", "send_time",
                                  "timezone", "kinds", "languages"}) {
            for (const std::string family : {"campaign.field_", "campaign.invalid_"}) {
                EXPECT_NE(tr(lang, family + field).front(), '[') << family << field;
            }
        }
    }
}

TEST(WebPages, numbers_and_money_are_written_the_french_way) {
    EXPECT_EQ(number(36285, Lang::fr), "36\u202F285");
    EXPECT_EQ(number(36285, Lang::en), "36,285");
    EXPECT_EQ(number(-1234567, Lang::fr), "-1\u202F234\u202F567");
    EXPECT_EQ(money(36285, "XOF", Lang::fr), "36\u202F285 XOF");
    EXPECT_EQ(money(12.5, "XOF", Lang::fr), "12,50 XOF");
    EXPECT_EQ(decimal(97.46, 1, Lang::fr), "97,5");
    EXPECT_EQ(decimal(97.46, 1, Lang::en), "97.5");
    const auto at = *kibaru::core::parse_instant("2019-01-08T08:00:00Z");
    EXPECT_EQ(local_time(at, date::locate_zone("Africa/Bamako"), Lang::fr),
              "mar. 8 janv. 2019, 08:00 (Africa/Bamako)");
    EXPECT_EQ(local_time(at, date::locate_zone("Africa/Bamako"), Lang::en),
              "Tue 8 Jan 2019, 08:00 (Africa/Bamako)");
}

// A resend refused because its week closed says when, as the week's header does: in the
// campaign's zone, the French way, not the stored UTC.
TEST(WebPages, a_refusal_says_a_closing_time_in_the_campaigns_zone) {
    const auto* bamako = date::locate_zone("Africa/Bamako");
    const auto* paris = date::locate_zone("Europe/Paris");
    const kibaru::core::Refusal closed{"resend_closed", {"3", "1", "2019-01-15T08:00:00Z"}};
    EXPECT_EQ(explain(Lang::fr, with_local_time(closed, 2, bamako, Lang::fr), ""),
              "la semaine 1 de la campagne 3 s'est fermée le mar. 15 janv. 2019, 08:00 "
              "(Africa/Bamako) : une livraison n'est jamais renvoyée après la fermeture de sa "
              "semaine");
    EXPECT_EQ(with_local_time(closed, 2, paris, Lang::en).args[2],
              "Tue 15 Jan 2019, 09:00 (Europe/Paris)");
    // A value that is not an instant, or no value there, is left as it is.
    EXPECT_EQ(with_local_time(closed, 1, bamako, Lang::fr).args, closed.args);
    EXPECT_EQ(with_local_time(closed, 5, bamako, Lang::fr).args, closed.args);
}

TEST(WebPages, text_and_attributes_are_escaped_markup_is_not) {
    const auto h =
        html::tag("p", {{"title", "a\"b<c>"}}, html::text("<script>alert('x')</script>"));
    EXPECT_EQ(h.str(),
              "<p title=\"a&quot;b&lt;c&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
}

TEST(WebPages, a_multipart_form_is_read_as_a_browser_sends_it) {
    const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                             "t0k\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                             "filename=\"producers.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                             "phone\r\n76000001\r\n\r\n--XyZ--\r\n";
    const auto parts = parse_multipart("multipart/form-data; boundary=XyZ", body);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->at("csrf_token").content, "t0k");
    EXPECT_EQ(parts->at("file").filename, "producers.csv");
    EXPECT_EQ(parts->at("file").content, "phone\r\n76000001\r\n");
    EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=XyZ", "--XyZ\r\nbroken"));
    EXPECT_FALSE(parse_multipart("text/plain", body));
}

// Where sign-in and the language switch send the browser next comes from the request: only a
// path of this site is followed, never another site nor a line break into the header.
TEST(WebPages, only_a_local_path_is_followed_after_sign_in) {
    EXPECT_EQ(local_target("/contacts?page=2"), "/contacts?page=2");
    EXPECT_EQ(local_target("/"), "/");
    EXPECT_EQ(local_target("/" + std::string(2047, 'a')).size(), 2048u);
    for (const std::string& bad :
         std::vector<std::string>{"", "contacts", "//evil.example", "/\\evil.example", "/\tevil",
                                  "https://evil.example", "/ok\r\nSet-Cookie: x=y", "/a\\b",
                                  std::string("/a\0b", 4), "/" + std::string(65533, 'a')}) {
        EXPECT_EQ(local_target(bad), "/") << bad;
    }
}

// A double click sends the same form twice, often to both workers at once: the first submit
// does the work, the second waits for it and is sent where it led; a failed first submit gives
// the form back.
TEST(WebPages, a_form_sent_twice_at_once_is_done_once) {
    std::promise<void> first_claimed, let_first_finish;
    std::thread first([&] {
        FormClaim claim("form-double-click");
        EXPECT_FALSE(claim.earlier());
        first_claimed.set_value();
        let_first_finish.get_future().wait();
        claim.succeeded("/campaigns/7");
    });
    first_claimed.get_future().wait();
    auto second = std::async(std::launch::async, [] {
        FormClaim claim("form-double-click");
        return claim.earlier();
    });
    EXPECT_EQ(second.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout)
        << "the second submit waits for the first";
    let_first_finish.set_value();
    EXPECT_EQ(second.get(), std::optional<std::string>("/campaigns/7"));
    first.join();

    {
        FormClaim failed("form-with-an-error"); // not succeeded: the id is given back
        EXPECT_FALSE(failed.earlier());
    }
    FormClaim corrected("form-with-an-error");
    EXPECT_FALSE(corrected.earlier());
    FormClaim no_id("");
    EXPECT_FALSE(no_id.earlier());
}

// The CSRF check compares origins: the same site written with or without its default port is
// one origin, another port or scheme is another.
TEST(WebPages, origins_compare_without_the_default_port) {
    EXPECT_EQ(origin_of("https://Kibaru.Example:443/contacts"), "https://kibaru.example");
    EXPECT_EQ(origin_of("http://kibaru.example:80/"), "http://kibaru.example");
    EXPECT_EQ(origin_of("http://kibaru.example:8090/x"), "http://kibaru.example:8090");
    EXPECT_EQ(origin_of("https://kibaru.example:80/"), "https://kibaru.example:80");
    EXPECT_EQ(origin_of("no scheme"), "");
}
