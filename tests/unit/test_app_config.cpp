#include "app/config_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

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
