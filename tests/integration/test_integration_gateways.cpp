// Several gateways ([[gateways]]): each number goes through its operator's gateway; a gateway
// that refuses everything, or cannot be reached, hands its numbers to the next one that takes
// them, and no phone gets two SMS; a message in doubt (a timeout) never moves to a second
// gateway. Real processes, a real SQLite file, two loopback gateways with their own records.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <map>
#include <sstream>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::FakeGateway;
using kibaru::test::RunResult;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

// Orange 76 and 85, Moov 66 and 89, Telecel 52: five producers each.
const std::vector<std::string> k_prefixes = {"76", "85", "66", "89", "52"};

class Gateways : public ::testing::Test {
protected:
    // `orange_route`: how the Orange gateway behaves (ok, 403, hang); `orange_url` overrides its
    // whole URL (a port nobody listens on). The Moov gateway takes Moov and Telecel numbers
    // first, and every number after Orange (priority 2).
    void setup(const std::string& orange_route, const std::string& orange_url = "",
               const std::string& extra = "", int orange_producers = 5) {
        orange = start_fake_gateway(s.dir(), {"--record", "orange.txt"});
        moov = start_fake_gateway(s.dir(), {"--record", "moov.txt"});
        const auto url = [](const FakeGateway& g, const std::string& route) {
            return "http://127.0.0.1:" + std::to_string(g.port) + "/" + route + "/cgi-bin/sendsms";
        };
        s.write("k.toml",
                std::string("[gateway]\nrate_per_second = 0\n") +
                    (extra.find("timeout_ms") == std::string::npos ? "timeout_ms = 1000\n" : "") +
                    (extra.find("max_attempts") == std::string::npos ? "max_attempts = 1\n" : "") +
                    extra +
                    "\n[[gateways]]\nname = \"orange\"\noperators = [\"orange\"]\nurl = \"" +
                    (orange_url.empty() ? url(orange, orange_route) : orange_url) +
                    "\"\n[[gateways]]\nname = \"moov\"\nurl = \"" + url(moov, "ok") +
                    "\"\npriority = 2\n[[gateways]]\nname = \"moov-first\"\noperators = "
                    "[\"moov\", \"telecel\"]\nurl = \"" +
                    url(moov, "ok") +
                    "\"\n[server]\nlisten = \"127.0.0.1:0\"\n[log]\nfile = \"kibaru.log\"\n");
        std::string csv = "phone,name,region,commodities,language\n";
        for (const auto& prefix : k_prefixes) {
            const int n = prefix == "76" ? orange_producers : 5;
            for (int i = 1; i <= n; ++i) {
                const auto number = std::to_string(1000 + i);
                csv += prefix + "00" + number + ",P" + prefix + number + ",Kita,sesame,fr\n";
            }
        }
        s.write("producers.csv", csv);
        const auto imported = k({"contacts", "import", "producers.csv"});
        ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
        const auto created = k({"campaign", "create", "--name", "Sésame", "--commodity", "sesame",
                                "--start", "2019-01-07"});
        ASSERT_EQ(created.exit_code, 0) << created.err;
        const auto set = k({"messages", "set", "1", "--week", "1", "--language", "fr", "--text",
                            "{name}: sésame 650 FCFA"});
        ASSERT_EQ(set.exit_code, 0) << set.err;
    }
    RunResult k(std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml"});
        return s.kibaru(args);
    }
    std::string sql(const std::string& q) {
        auto out = s.sql(q).out;
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }
    // Phone -> how many times the gateway accepted an SMS for it.
    std::map<std::string, int> accepted(const std::string& record) {
        std::map<std::string, int> phones;
        std::istringstream lines(s.read(record));
        for (std::string ref, to; lines >> ref >> to;) {
            ++phones[to];
        }
        return phones;
    }
    static std::string prefix_of(const std::string& e164) { return e164.substr(4, 2); }
    void point_orange_at(const std::string& url) {
        auto config = s.read("k.toml");
        const auto at = config.find("url = \"", config.find("name = \"orange\"")) + 7;
        config.replace(at, config.find('"', at) - at, url);
        s.write("k.toml", config);
    }
    std::string closed_port_url() {
        return "http://127.0.0.1:" + std::to_string(kibaru::test::free_port()) + "/cgi-bin/sendsms";
    }

    Scratch s;
    FakeGateway orange;
    FakeGateway moov;
};

} // namespace

TEST_F(Gateways, each_number_goes_through_its_operators_gateway) {
    setup("ok");
    const auto r = k({"--now", "2019-01-08T09:00:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto by_orange = accepted("orange.txt");
    const auto by_moov = accepted("moov.txt");
    EXPECT_EQ(by_orange.size(), 10u);
    EXPECT_EQ(by_moov.size(), 15u);
    for (const auto& [phone, times] : by_orange) {
        EXPECT_TRUE(prefix_of(phone) == "76" || prefix_of(phone) == "85") << phone;
        EXPECT_EQ(times, 1) << phone;
    }
    for (const auto& [phone, times] : by_moov) {
        EXPECT_TRUE(prefix_of(phone) == "66" || prefix_of(phone) == "89" ||
                    prefix_of(phone) == "52")
            << phone;
        EXPECT_EQ(times, 1) << phone;
    }
    EXPECT_EQ(sql("SELECT gateway || ' ' || count(*) FROM deliveries WHERE state = 'sent' GROUP BY "
                  "gateway ORDER BY gateway"),
              "moov-first 15\norange 10");
    EXPECT_EQ(sql("SELECT count(*) FROM delivery_events WHERE state = 'sent' AND gateway IS NULL"),
              "0")
        << "every event names its gateway";
    // report deliveries ends with the gateway; report gateways counts what each accepted.
    const auto deliveries = k({"report", "deliveries", "--format", "json"});
    ASSERT_EQ(deliveries.exit_code, 0) << deliveries.err;
    for (const auto& row : nlohmann::json::parse(deliveries.out)) {
        EXPECT_EQ(row["gateway"], row["operator"] == "orange" ? "orange" : "moov-first") << row;
    }
    const auto report = k({"report", "gateways", "--format", "json"});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const auto rows = nlohmann::json::parse(report.out);
    ASSERT_EQ(rows.size(), 3u) << rows;
    EXPECT_EQ(rows[0]["gateway"], "orange");
    EXPECT_EQ(rows[0]["sent"], 10);
    EXPECT_EQ(rows[1]["gateway"], "moov");
    EXPECT_EQ(rows[1]["sent"], 0);
    EXPECT_EQ(rows[2]["sent"], 15);
    EXPECT_TRUE(rows[0]["latency_p50_ms"].is_number()) << rows[0];
    EXPECT_EQ(rows[0]["circuit_open_seconds"], 0);
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0) << "events sealed with their gateway";
}

TEST_F(Gateways, a_gateway_that_refuses_everything_hands_its_numbers_to_the_next_once) {
    setup("403");
    const auto r = k({"--now", "2019-01-08T09:00:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("10 refused by a gateway and sent through the next"), std::string::npos)
        << r.out;
    EXPECT_TRUE(accepted("orange.txt").empty());
    const auto by_moov = accepted("moov.txt");
    EXPECT_EQ(by_moov.size(), 25u) << "every producer got the week's SMS";
    for (const auto& [phone, times] : by_moov) {
        EXPECT_EQ(times, 1) << phone << " got two SMS";
    }
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'sent'"), "25");
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE gateway = 'moov' AND refused_by = "
                  "'orange'"),
              "10");
    EXPECT_EQ(sql("SELECT count(*) FROM delivery_events WHERE gateway = 'orange' AND http_status "
                  "= 403 AND error LIKE 'orange did not take it%sent through the next gateway'"),
              "10");
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}

TEST_F(Gateways, a_gateway_nobody_answers_at_hands_its_numbers_to_the_next) {
    setup("ok",
          "http://127.0.0.1:" + std::to_string(kibaru::test::free_port()) + "/cgi-bin/sendsms");
    const auto r = k({"--now", "2019-01-08T09:00:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(accepted("moov.txt").size(), 25u) << "a refused connection never reached Orange";
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'sent' AND gateway = 'moov'"),
              "10");
}

TEST_F(Gateways, a_message_in_doubt_stays_with_its_gateway) {
    setup("hang"); // timeout_ms = 1000: every Orange request times out
    const auto r = k({"--now", "2019-01-08T09:00:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto by_moov = accepted("moov.txt");
    EXPECT_EQ(by_moov.size(), 15u) << "no Orange number went through Moov after a timeout";
    for (const auto& [phone, _] : by_moov) {
        EXPECT_NE(prefix_of(phone), "76");
        EXPECT_NE(prefix_of(phone), "85");
    }
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE gateway = 'orange' AND state = 'failed' "
                  "AND refused_by IS NULL"),
              "10");
}

TEST_F(Gateways, without_failover_a_refused_number_fails_where_it_was_refused) {
    setup("403", "", "[routing]\nfailover = false");
    const auto r = k({"--now", "2019-01-08T09:00:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(accepted("moov.txt").size(), 15u);
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE gateway = 'orange' AND state = 'failed'"),
              "10");
}

// Sends in flight at Orange when the daemon is killed may have reached it: sent again (here
// with resend_unknown = "always"), they go to Orange only, even once Orange refuses connections,
// which would otherwise hand them to the Moov gateway.
TEST_F(Gateways, a_delivery_in_doubt_at_a_gateway_never_goes_through_another) {
    setup("hang", "", "timeout_ms = 30000\nresend_unknown = \"always\"");
    {
        Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                           "2019-01-08T09:00:00Z", "daemon"},
                          s.dir(), {"KIBARU_CONFIG="});
        ASSERT_TRUE(eventually(
            [&] {
                return sql("SELECT count(*) FROM deliveries WHERE state = 'sending' AND gateway = "
                           "'orange'") == "10" &&
                       sql("SELECT count(*) FROM deliveries WHERE state = 'sent'") == "15";
            },
            15))
            << s.read("kibaru.log");
        daemon.stop(SIGKILL);
    }
    point_orange_at(closed_port_url());
    const auto r = k({"--now", "2019-01-08T09:05:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE in_doubt_at = 'orange'"), "10");
    const auto by_moov = accepted("moov.txt");
    EXPECT_EQ(by_moov.size(), 15u) << "no Orange number in doubt went through Moov";
    for (const auto& [phone, _] : by_moov) {
        EXPECT_NE(prefix_of(phone), "76");
        EXPECT_NE(prefix_of(phone), "85");
    }
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE gateway = 'orange' AND refused_by IS NULL "
                  "AND state IN ('failed', 'retrying')"),
              "10");
}

// Orange cannot be reached and nothing else takes its numbers (failover off): its 120 numbers
// come first in the queue, yet the Moov numbers behind them are all sent in the same run.
TEST_F(Gateways, a_gateway_that_is_down_does_not_hold_up_another_gateways_numbers) {
    setup("ok", "",
          "max_in_flight = 4\nbreaker_threshold = 2\nbreaker_cooldown_ms = 60000\n"
          "max_attempts = 3\n[routing]\nfailover = false",
          120);
    point_orange_at(closed_port_url());
    const auto r = k({"--now", "2019-01-08T09:00:00Z", "run-once"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(accepted("moov.txt").size(), 15u) << r.out;
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'sent'"), "15");
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'failed'"), "0")
        << "an outage fails nobody";
}

// The Orange SMS API (profile "orange") against its loopback fake: a bearer token from the
// client credentials, JSON sends answered 201, the token refused every 3 messages (as when it
// expires) and fetched again, and the delivery reports Orange posts back as JSON. One request
// at a time to it: a new token refused before any send with it is known accepted is taken for
// bad credentials (a certain refusal, so failover), and with several in flight the fake's
// revoking after 3 could refuse the new token while its acceptances were still on their way
// back (seen once under ASan); real tokens live an hour, not three messages.
TEST_F(Gateways, the_orange_sms_api_sends_with_a_token_it_renews_and_reports_back) {
    setup("ok");
    auto api =
        start_fake_gateway(s.dir(), {"--record", "orange-api.txt", "--orange-client", "app:s3cret",
                                     "--orange-revoke-every", "3", "--report"});
    const int callbacks = kibaru::test::free_port();
    const auto base = "http://127.0.0.1:" + std::to_string(callbacks);
    s.write(
        "k.toml",
        "[gateway]\nrate_per_second = 0\ntimeout_ms = 2000\n[[gateways]]\nname = "
        "\"orange-api\"\nprofile = \"orange\"\nurl = \"http://127.0.0.1:" +
            std::to_string(api.port) +
            "/orange\"\nsender_number = \"+22370000000\"\nmax_in_flight = 1\n"
            "operators = [\"orange\"]\n[[gateways]]\nname = \"moov\"\nurl = \"http://127.0.0.1:" +
            std::to_string(moov.port) + "/ok/cgi-bin/sendsms\"\npriority = 2\n" +
            "[server]\nlisten = \"127.0.0.1:" + std::to_string(callbacks) + "\"\npublic_url = \"" +
            base + "\"\n[log]\nfile = \"kibaru.log\"\n");
    const std::vector<std::string> env = {"KIBARU_CONFIG=", "KIBARU_CALLBACK_TOKEN=t0k3n",
                                          "KIBARU_ORANGE_CLIENT_ID=app",
                                          "KIBARU_ORANGE_CLIENT_SECRET=s3cret"};
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T09:00:00Z", "daemon"},
                      s.dir(), env);
    ASSERT_TRUE(eventually(
        [&] {
            return sql("SELECT count(*) FROM deliveries WHERE gateway = 'orange-api' AND state = "
                       "'delivered'") == "10" &&
                   sql("SELECT count(*) FROM deliveries WHERE state = 'sent'") == "15";
        },
        30))
        << sql("SELECT state || ' ' || coalesce(gateway, '') || ' ' || error FROM deliveries")
        << s.read("kibaru.log");
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    const auto by_api = accepted("orange-api.txt");
    EXPECT_EQ(by_api.size(), 10u);
    for (const auto& [phone, times] : by_api) {
        EXPECT_TRUE(prefix_of(phone) == "76" || prefix_of(phone) == "85") << phone;
        EXPECT_EQ(times, 1) << phone << " got two SMS";
    }
    EXPECT_GE(std::stol(sql("SELECT count(*) FROM delivery_events WHERE http_status = 401 AND "
                            "error LIKE '%refused the access token%'")),
              1)
        << "the revoked token was renewed";
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE gateway_id LIKE 'msg-%'"), "10")
        << "Orange's message id from its resourceURL";
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}

// Orange refuses the client credentials: no token, so its numbers go to the next gateway.
TEST_F(Gateways, without_a_token_the_orange_numbers_go_to_the_next_gateway) {
    setup("ok");
    auto api = start_fake_gateway(
        s.dir(), {"--record", "orange-api.txt", "--orange-client", "app:another-secret"});
    point_orange_at("http://127.0.0.1:" + std::to_string(api.port) + "/orange");
    auto config = s.read("k.toml");
    config.replace(config.find("name = \"orange\""), 15,
                   "name = \"orange\"\nprofile = \"orange\"\nsender_number = \"+22370000000\"");
    s.write("k.toml", config);
    const auto r = s.kibaru({"--config", "k.toml", "--now", "2019-01-08T09:00:00Z", "run-once"},
                            {"KIBARU_ORANGE_CLIENT_ID=app", "KIBARU_ORANGE_CLIENT_SECRET=s3cret"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(accepted("orange-api.txt").empty());
    EXPECT_EQ(accepted("moov.txt").size(), 25u);
    EXPECT_NE(s.read("kibaru.log").find("no access token (Orange refused the client credentials"),
              std::string::npos);
}

// `gateway test`: one SMS now through the gateway routing picks for the number (or the one
// named), audited; a refusal says so and exits 3; a bad number names the option.
TEST_F(Gateways, a_test_sms_goes_through_the_numbers_gateway_and_is_audited) {
    setup("403");
    auto r = k({"gateway", "test", "--to", "66 00 20 01", "--text", "Essai Kibaru"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("+22366002001: accepted by moov-first"), std::string::npos) << r.out;
    EXPECT_EQ(accepted("moov.txt").count("+22366002001"), 1u);

    r = k({"gateway", "test", "--to", "76002001", "--text", "Essai Kibaru"});
    EXPECT_EQ(r.exit_code, 1) << r.err << r.out; // Orange refuses (403): no failover for a test
    EXPECT_NE(r.out.find("NOT accepted by orange"), std::string::npos) << r.out;
    EXPECT_EQ(accepted("moov.txt").count("+22376002001"), 0u);

    r = k({"gateway", "test", "--gateway", "moov", "--to", "76002001", "--text", "Essai"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ(accepted("moov.txt").count("+22376002001"), 1u);

    r = k({"gateway", "test", "--gateway", "nobody", "--to", "76002001", "--text", "Essai"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--gateway: no gateway is named \"nobody\""), std::string::npos) << r.err;
    r = k({"gateway", "test", "--to", "20 21 22 23", "--text", "Essai"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--to: \"20 21 22 23\""), std::string::npos) << r.err;

    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'gateway.test'"), "3");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'gateway.test' AND subject = "
                  "'+22376002001' AND details LIKE '%\"accepted\":false%'"),
              "1");
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries"), "0") << "a test is not a delivery";
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}

// The single [gateway] form with the Orange profile: its reports come to /dlr/orange, a profile
// name like /dlr/kannel, and are applied (the registry of profiles answers for every one).
TEST_F(Gateways, a_single_orange_gateway_gets_its_reports_at_its_profiles_path) {
    setup("ok");
    auto api = start_fake_gateway(
        s.dir(), {"--record", "orange-api.txt", "--orange-client", "app:s3cret", "--report"});
    const int callbacks = kibaru::test::free_port();
    const auto base = "http://127.0.0.1:" + std::to_string(callbacks);
    s.write("k.toml", "[gateway]\nprofile = \"orange\"\nrate_per_second = 0\nurl = "
                      "\"http://127.0.0.1:" +
                          std::to_string(api.port) +
                          "/orange\"\nsender_number = \"+22370000000\"\n[server]\nlisten = "
                          "\"127.0.0.1:" +
                          std::to_string(callbacks) + "\"\npublic_url = \"" + base +
                          "\"\n[log]\nfile = \"kibaru.log\"\n");
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T09:00:00Z", "daemon"},
                      s.dir(),
                      {"KIBARU_CONFIG=", "KIBARU_CALLBACK_TOKEN=t0k3n",
                       "KIBARU_ORANGE_CLIENT_ID=app", "KIBARU_ORANGE_CLIENT_SECRET=s3cret"});
    ASSERT_TRUE(eventually(
        [&] { return sql("SELECT count(*) FROM deliveries WHERE state = 'delivered'") == "25"; },
        30))
        << sql("SELECT state || ' ' || error FROM deliveries") << s.read("kibaru.log");
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    EXPECT_EQ(accepted("orange-api.txt").size(), 25u);
}
