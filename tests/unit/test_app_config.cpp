#include "app/config_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using kibaru::app::ConfigError;
using kibaru::app::parse_config;

namespace {

std::string error_of(const std::string& toml) {
    try {
        parse_config(toml, "k.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(AppConfig, empty_file_gives_the_spec_defaults) {
    const auto c = parse_config("", "k.toml");
    EXPECT_EQ(c.database.path, "var/kibaru.db");
    EXPECT_EQ(c.contacts.default_region, "ML");
    EXPECT_EQ(c.schedule.timezone, "Africa/Bamako");
    EXPECT_EQ(c.schedule.send_hours, "07:00-20:00");
    EXPECT_EQ(c.sms.max_segments, 3);
    EXPECT_EQ(c.gateway.profile, "kannel");
    EXPECT_EQ(c.gateway.max_in_flight, 16);
    EXPECT_EQ(c.gateway.resend_unknown, "never");
    EXPECT_EQ(c.gateway.unknown_grace_seconds, 600);
    EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
    EXPECT_TRUE(c.log.mask_phones);
}

TEST(AppConfig, reads_values_of_every_type) {
    const auto c = parse_config(R"(
[gateway]
rate_per_second = 5.5
max_attempts = 3
resend_unknown = true
[inbound]
stop_keywords = ["STOP", "ARRÊT"]
)",
                                "k.toml");
    EXPECT_DOUBLE_EQ(c.gateway.rate_per_second, 5.5);
    EXPECT_EQ(c.gateway.max_attempts, 3);
    EXPECT_EQ(c.gateway.resend_unknown, "always") << "true, as the first round wrote it";
    EXPECT_EQ(c.inbound.stop_keywords.size(), 2u);
}

TEST(AppConfig, unknown_key_is_named_with_its_line_and_a_suggestion) {
    const auto e = error_of("[gateway]\nurl = \"http://x/\"\nmax_in_flght = 4\n");
    EXPECT_NE(e.find("k.toml:3: gateway.max_in_flght: unknown key (did you mean "
                     "gateway.max_in_flight?)"),
              std::string::npos)
        << e;
}

TEST(AppConfig, every_problem_is_reported_at_once) {
    const auto e = error_of(R"([sms]
max_segments = "three"
encoding = "latin1"
[gateway]
timeout_ms = 5
[nonsense]
x = 1
)");
    EXPECT_NE(e.find("k.toml:2: sms.max_segments: must be an integer"), std::string::npos) << e;
    EXPECT_NE(e.find("k.toml:3: sms.encoding: must be one of"), std::string::npos) << e;
    EXPECT_NE(e.find("k.toml:5: gateway.timeout_ms: must be between 100"), std::string::npos) << e;
    EXPECT_NE(e.find("k.toml:6: nonsense: unknown key"), std::string::npos) << e;
}

TEST(AppConfig, a_secret_in_the_file_is_refused_with_advice) {
    const auto e = error_of("[gateway]\npassword = \"hunter2\"\n");
    EXPECT_NE(e.find("gateway.password: unknown key"), std::string::npos) << e;
    EXPECT_NE(e.find("environment variable"), std::string::npos) << e;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << "the secret must not be echoed";
}

TEST(AppConfig, env_names_must_look_like_names) {
    EXPECT_NE(error_of("[gateway]\npassword_env = \"s3cr3t pass!\"\n")
                  .find("must be the name of an environment variable"),
              std::string::npos);
}

TEST(AppConfig, checks_zones_regions_hours_and_addresses) {
    EXPECT_NE(error_of("[schedule]\ntimezone = \"Africa/Atlantis\"\n").find("time zone"),
              std::string::npos);
    EXPECT_NE(error_of("[contacts]\ndefault_region = \"XX\"\n").find("region code"),
              std::string::npos);
    EXPECT_NE(error_of("[schedule]\nsend_hours = \"20:00-07:00\"\n").find("must start before"),
              std::string::npos);
    EXPECT_NE(error_of("[server]\nlisten = \"8080\"\n").find("HOST:PORT"), std::string::npos);
    EXPECT_NE(error_of("[gateway]\nurl = \"ftp://x\"\n").find("http://"), std::string::npos);
    EXPECT_NE(error_of("[contacts]\nextra_mobile_prefixes = [\"+22386\", \"22387\"]\n")
                  .find("k.toml:2: contacts.extra_mobile_prefixes: \"22387\" is not a prefix"),
              std::string::npos)
        << error_of("[contacts]\nextra_mobile_prefixes = [\"22387\"]\n");
    EXPECT_NE(error_of("[contacts]\nextra_mobile_prefixes = [\"+22386:free\"]\n")
                  .find("unknown operator"),
              std::string::npos);
    // A repeat count std::regex's compiler would overflow on: refused with its line, not compiled.
    EXPECT_NE(error_of("[gateway]\nprofile = \"generic\"\n[gateway.generic]\n"
                       "message_id_regex = \"a{99999999999999999999999}\"\n")
                  .find("k.toml:4: gateway.generic.message_id_regex: has a repeat count longer"),
              std::string::npos);
    EXPECT_EQ(parse_config("[contacts]\nextra_mobile_prefixes = [\"+22386:orange\"]\n", "k.toml")
                  .contacts.extra_mobile_prefixes,
              std::vector<std::string>{"+22386:orange"});
}

TEST(AppConfig, syntax_errors_carry_the_line) {
    EXPECT_NE(error_of("[gateway]\nurl = \n").find("k.toml:2:"), std::string::npos);
}

TEST(AppConfig, a_table_name_used_as_a_value_is_a_type_error) {
    EXPECT_NE(error_of("gateway = 3\n").find("gateway: must be a table"), std::string::npos);
}

TEST(AppConfig, the_shipped_config_is_valid) {
    const std::string path = std::string(KIBARU_SOURCE_DIR) + "/config/kibaru.toml";
    EXPECT_NO_THROW(kibaru::app::load_config(path));
}

TEST(AppConfig, secrets_come_from_the_environment) {
    ::setenv("KIBARU_TEST_SECRET", "s3cret", 1);
    EXPECT_EQ(kibaru::app::secret_from_env("KIBARU_TEST_SECRET"), "s3cret");
    EXPECT_EQ(kibaru::app::secret_from_env("KIBARU_TEST_UNSET_VARIABLE"), "");
}

// [[gateways]]: each entry starts from [gateway]'s values, names itself, and says which numbers
// it takes; the single [gateway] form leaves `gateways` empty (one gateway named "default").
TEST(AppConfig, gateways_entries_inherit_the_gateway_table_and_name_their_numbers) {
    const auto single = parse_config("[gateway]\nmax_in_flight = 4\n", "k.toml");
    EXPECT_TRUE(single.gateways.empty());
    ASSERT_EQ(kibaru::core::sending_gateways(single).size(), 1u);
    EXPECT_EQ(kibaru::core::sending_gateways(single)[0].name, "default");
    EXPECT_TRUE(single.routing.failover);

    const auto c = parse_config(R"([gateway]
timeout_ms = 2000
resend_unknown = "after_grace"
[[gateways]]
name = "orange"
operators = ["orange"]
max_in_flight = 8
[[gateways]]
name = "backup"
profile = "generic"
prefixes = ["+22366", "+22389"]
priority = 2
[gateways.generic]
url = "http://127.0.0.1:9000/send"
[routing]
failover = false
)",
                                "k.toml");
    ASSERT_EQ(c.gateways.size(), 2u);
    EXPECT_EQ(c.gateways[0].name, "orange");
    EXPECT_EQ(c.gateways[0].operators, std::vector<std::string>{"orange"});
    EXPECT_EQ(c.gateways[0].max_in_flight, 8);
    EXPECT_EQ(c.gateways[0].timeout_ms, 2000) << "inherited from [gateway]";
    EXPECT_EQ(c.gateways[1].profile, "generic");
    EXPECT_EQ(c.gateways[1].priority, 2);
    EXPECT_EQ(c.gateways[1].prefixes.size(), 2u);
    EXPECT_EQ(c.gateways[1].generic.url, "http://127.0.0.1:9000/send");
    EXPECT_EQ(c.gateways[1].max_in_flight, 16);
    EXPECT_EQ(c.gateway.resend_unknown, "after_grace");
    EXPECT_FALSE(c.routing.failover);
}

TEST(AppConfig, gateways_entries_are_checked_with_their_line) {
    const auto e = error_of(R"([[gateways]]
name = "Orange SA"
operators = ["orang"]
[[gateways]]
prefixes = ["22385"]
[[gateways]]
name = "moov"
resend_unknown = "always"
[[gateways]]
name = "moov"
max_in_flght = 3
)");
    EXPECT_NE(e.find("k.toml:2: gateways.name: must be 1 to 32 of a-z"), std::string::npos) << e;
    EXPECT_NE(e.find("k.toml:3: gateways.operators: \"orang\" is not an operator"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("k.toml:5: gateways.prefixes: \"22385\" is not an E.164 prefix"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("every [[gateways]] entry needs a name"), std::string::npos) << e;
    EXPECT_NE(e.find("k.toml:8: gateways.resend_unknown: unknown key"), std::string::npos) << e;
    EXPECT_NE(e.find("\"moov\" names two gateways"), std::string::npos) << e;
    EXPECT_NE(e.find("k.toml:11: gateways.max_in_flght: unknown key (did you mean "
                     "gateways.max_in_flight?)"),
              std::string::npos)
        << e;
    EXPECT_NE(error_of("gateways = 3\n").find("gateways: must be an array of tables"),
              std::string::npos);
}

// [keywords] reply_templates_dir: the reply texts read once with the configuration; a file that
// does not read stops the load, naming its line; French answers for what a language lacks.
namespace {

struct ReplyDir {
    ReplyDir() {
        dir = std::filesystem::temp_directory_path() /
              ("kibaru-replies-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        std::filesystem::create_directories(dir);
    }
    ~ReplyDir() { std::filesystem::remove_all(dir); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name, std::ios::binary) << text;
    }
    // load_config of a kibaru.toml naming this directory.
    kibaru::core::Config load(const std::string& extra = "") const {
        write("k.toml", "[keywords]\nreply_templates_dir = \"" + dir.string() + "\"\n" + extra);
        return kibaru::app::load_config((dir / "k.toml").string());
    }
    std::string error(const std::string& extra = "") const {
        try {
            load(extra);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(no error)";
    }

    std::filesystem::path dir;
    static inline int count = 0;
};

const char* k_french = "price = Prix {commodity}: {prices}\n"
                       "no_price = Pas de prix pour {commodity}{market}.\n"
                       "no_commodity = Produit inconnu.\n"
                       "subscribed = Abonne a {commodity}.\n"
                       "unsubscribed = Desabonne de {commodity}.\n"
                       "help = Ecrivez PRIX SESAME KITA.\n";

} // namespace

TEST(AppConfig, reply_texts_come_from_the_configured_directory_french_the_fallback) {
    ReplyDir d;
    d.write("replies.fr.txt", k_french);
    d.write("replies.bm.txt", "# partial\nprice = {commodity} songo: {prices}\n");
    const auto c = d.load();
    EXPECT_EQ(c.replies.source(), d.dir.string());
    EXPECT_EQ(c.replies.text("bm", "price"), "{commodity} songo: {prices}");
    EXPECT_EQ(c.replies.text("bm", "help"), "Ecrivez PRIX SESAME KITA.");
    EXPECT_EQ(c.replies.text("fr", "no_commodity"), "Produit inconnu.");

    d.write("replies.bm.txt", "price = {commodity} songo\nhelpp = Deme\n");
    const auto e = d.error();
    EXPECT_NE(e.find("replies.bm.txt:1: price: must contain {prices}"), std::string::npos) << e;
    EXPECT_NE(e.find("replies.bm.txt:2: \"helpp\" is not a kind of reply"), std::string::npos) << e;
    d.write("replies.bm.txt", "price = {commodity} sɔngɔ: {prices}\n");
    EXPECT_EQ(d.error(), "(no error)");
    EXPECT_NE(d.error("[sms]\nencoding = \"gsm7\"\n").find("is not a GSM-7 character"),
              std::string::npos);
}

TEST(AppConfig, a_configured_reply_directory_must_hold_the_complete_french_file) {
    ReplyDir d;
    EXPECT_NE(d.error().find((d.dir / "replies.fr.txt").string() + ": missing"), std::string::npos)
        << d.error();
    d.write("replies.fr.txt", "help = Aide\n");
    EXPECT_NE(d.error().find("replies.fr.txt: no reply for price, no_price"), std::string::npos)
        << d.error();
    std::ofstream(d.dir / "k.toml") << "[keywords]\nreply_templates_dir = \"/nonexistent/x\"\n";
    try {
        kibaru::app::load_config((d.dir / "k.toml").string());
        ADD_FAILURE() << "a missing directory is refused";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "keywords.reply_templates_dir: \"/nonexistent/x\" is not a directory"),
                  std::string::npos)
            << e.what();
    }
}

TEST(AppConfig, the_shipped_reply_templates_load) {
    ReplyDir d;
    d.write("k.toml", std::string("[keywords]\nreply_templates_dir = \"") + KIBARU_SOURCE_DIR +
                          "/templates\"\n[sms]\nencoding = \"gsm7\"\n");
    const auto c = kibaru::app::load_config((d.dir / "k.toml").string());
    EXPECT_EQ(c.replies.languages(), (std::vector<std::string>{"bm", "fr"}));
    const kibaru::core::ReplyTemplates built_in;
    for (const auto& kind : kibaru::core::reply_kinds()) {
        EXPECT_EQ(c.replies.text("bm", kind.name), built_in.text("bm", kind.name));
        EXPECT_EQ(c.replies.text("fr", kind.name), built_in.text("fr", kind.name));
    }
}

// Without reply_templates_dir, where kibaru runs without templates/ (the daemon in
// /var/lib/kibaru, an old install): the built-in texts, and every command still works.
TEST(AppConfig, without_reply_files_the_built_in_texts_answer) {
    if (std::filesystem::exists("/usr/share/kibaru/templates/replies.fr.txt")) {
        GTEST_SKIP() << "an installed package provides the texts on this machine";
    }
    ReplyDir d;
    const auto before = std::filesystem::current_path();
    std::filesystem::current_path(d.dir);
    std::string source;
    try {
        source = kibaru::app::load_config("").replies.source();
    } catch (...) {
        std::filesystem::current_path(before);
        throw;
    }
    std::filesystem::current_path(before);
    EXPECT_EQ(source, "built-in");
}

// [database] synchronous: "full" unless the file says "normal" (SPEC.md "Operations").
TEST(AppConfig, synchronous_is_full_by_default_and_normal_when_asked) {
    EXPECT_EQ(parse_config("", "k.toml").database.synchronous, kibaru::core::Synchronous::full);
    EXPECT_EQ(parse_config("[database]\nsynchronous = \"normal\"\n", "k.toml").database.synchronous,
              kibaru::core::Synchronous::normal);
    EXPECT_EQ(parse_config("[database]\nsynchronous = \"full\"\n", "k.toml").database.synchronous,
              kibaru::core::Synchronous::full);
}

TEST(AppConfig, an_unknown_synchronous_mode_is_refused_with_its_line) {
    const auto error = error_of("[database]\nsynchronous = \"off\"\n");
    EXPECT_NE(error.find("k.toml:2: database.synchronous: must be \"full\""), std::string::npos)
        << error;
    EXPECT_NE(error_of("[database]\nsynchronous = 2\n").find("database.synchronous"),
              std::string::npos);
}

TEST(AppConfig, backup_keys_have_the_spec_defaults_and_ranges) {
    const auto defaults = parse_config("", "k.toml");
    EXPECT_EQ(defaults.backup.every_hours, 24);
    EXPECT_EQ(defaults.backup.keep, 14);
    EXPECT_EQ(defaults.backup.dir, "");
    const auto c =
        parse_config("[backup]\ndir = \"/srv/kb\"\nevery_hours = 0\nkeep = 3\n", "k.toml");
    EXPECT_EQ(c.backup.dir, "/srv/kb");
    EXPECT_EQ(c.backup.every_hours, 0);
    EXPECT_EQ(c.backup.keep, 3);
    EXPECT_NE(error_of("[backup]\nkeep = 0\n").find("k.toml:2: backup.keep: must be between 1"),
              std::string::npos);
    EXPECT_NE(error_of("[backup]\nevery_hours = -1\n").find("backup.every_hours"),
              std::string::npos);
    EXPECT_NE(error_of("[backup]\nevry_hours = 6\n").find("did you mean backup.every_hours?"),
              std::string::npos);
}

TEST(AppConfig, audit_witnesses_are_e164_phones_and_checkpoints_weekly_or_daily) {
    const auto defaults = parse_config("", "k.toml");
    EXPECT_TRUE(defaults.audit.witnesses.empty());
    EXPECT_EQ(defaults.audit.checkpoint_every, "week");
    const auto c = parse_config(
        "[audit]\nwitnesses = [\"+22376123456\"]\ncheckpoint_every = \"day\"\n", "k.toml");
    EXPECT_EQ(c.audit.witnesses, std::vector<std::string>{"+22376123456"});
    EXPECT_EQ(c.audit.checkpoint_every, "day");
    const auto local = error_of("[audit]\nwitnesses = [\"76123456\"]\n");
    EXPECT_NE(local.find("k.toml:2: audit.witnesses: \"76123456\" is not an E.164 phone"),
              std::string::npos)
        << local;
    EXPECT_NE(error_of("[audit]\ncheckpoint_every = \"month\"\n").find("audit.checkpoint_every"),
              std::string::npos);
}
