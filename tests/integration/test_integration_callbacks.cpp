// The daemon's callback server over real HTTP on loopback: authentication, malformed and
// oversized requests, delivery reports and STOP, and secrets kept out of the logs.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <string>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::FakeGateway;
using kibaru::test::run_process;
using kibaru::test::RunResult;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

const char* k_token = "cb-t0k3n-5ecret";
const char* k_password = "gw-pa55-5ecret";

class Callbacks : public ::testing::Test {
protected:
    void SetUp() override {
        gateway = start_fake_gateway(s.dir(), {"--record", "gw.txt"});
        port = kibaru::test::free_port();
        s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                              "/ok/cgi-bin/sendsms\"\nrate_per_second = 0\n[server]\nlisten = "
                              "\"127.0.0.1:" +
                              std::to_string(port) + "\"\npublic_url = \"http://127.0.0.1:" +
                              std::to_string(port) + "\"\n[log]\nfile = \"kibaru.log\"\n");
        s.write("c.csv", "phone,name,commodities\n76000001,Awa,sesame\n76000002,Moussa,sesame\n");
        ASSERT_EQ(k({"contacts", "import", "c.csv"}).exit_code, 0);
        ASSERT_EQ(k({"campaign", "create", "--name", "s", "--commodity", "sesame", "--start",
                     "2019-01-07"})
                      .exit_code,
                  0);
        ASSERT_EQ(k({"messages", "set", "1", "--week", "1", "--text", "Prix 650"}).exit_code, 0);
        daemon = std::make_unique<Background>(
            std::vector<std::string>{KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                                     "2019-01-08T09:00:00Z", "-v", "daemon"},
            s.dir(), env());
        ASSERT_TRUE(eventually([&] { return curl({"/healthz"}).out == "ok\n"; }, 10));
        ASSERT_TRUE(eventually(
            [&] {
                return sql("SELECT count(*) FROM deliveries WHERE state = "
                           "'sent'") == "2";
            },
            10));
    }
    void TearDown() override {
        if (daemon) {
            EXPECT_EQ(daemon->stop(SIGTERM), 0);
        }
    }
    std::vector<std::string> env() {
        return {"KIBARU_CONFIG=", std::string("KIBARU_CALLBACK_TOKEN=") + k_token,
                std::string("KIBARU_GW_PASSWORD=") + k_password};
    }
    RunResult k(std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml"});
        return s.kibaru(args, env());
    }
    // curl PATH [extra curl args]: prints the body, then the status on the last line.
    RunResult curl(std::vector<std::string> args) {
        std::vector<std::string> argv = {"curl", "-s", "-m", "5",
                                         "http://127.0.0.1:" + std::to_string(port) + args[0]};
        argv.insert(argv.end(), args.begin() + 1, args.end());
        return run_process(argv, s.dir(), {});
    }
    int status(std::vector<std::string> args) {
        args.insert(args.end(), {"-o", "/dev/null", "-w", "%{http_code}"});
        const auto r = curl(args);
        return r.out.empty() ? 0 : std::stoi(r.out);
    }
    std::string sql(const std::string& q) {
        auto out = s.sql(q).out;
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }

    Scratch s;
    FakeGateway gateway;
    int port = 0;
    std::unique_ptr<Background> daemon;
};

} // namespace

TEST_F(Callbacks, without_the_token_reports_get_401_or_403_and_change_nothing) {
    EXPECT_EQ(status({"/dlr/kannel?ref=1&type=2"}), 401);
    EXPECT_EQ(status({"/dlr/kannel?ref=1&type=2&token=wrong"}), 403);
    EXPECT_EQ(status({"/dlr/kannel?ref=1&type=2", "-H", "Authorization: Bearer wrong"}), 403);
    EXPECT_EQ(status({"/inbound/kannel?from=%2B22376000001&text=STOP&token=" +
                      std::string(k_token).substr(1)}),
              403);
    EXPECT_EQ(sql("SELECT group_concat(state) FROM deliveries"), "sent,sent");
    EXPECT_EQ(sql("SELECT count(*) FROM contacts WHERE status = 'opted_out'"), "0");
}

TEST_F(Callbacks, a_report_with_the_token_marks_the_delivery) {
    EXPECT_EQ(status({"/dlr/kannel?ref=1&type=1&token=" + std::string(k_token)}), 200);
    EXPECT_EQ(status({"/dlr/kannel?ref=2&type=16", "-H",
                      "Authorization: Bearer " + std::string(k_token)}),
              200);
    EXPECT_EQ(sql("SELECT group_concat(state) FROM deliveries ORDER BY id"), "delivered,failed");
    EXPECT_EQ(status({"/dlr/kannel?ref=77&type=1&token=" + std::string(k_token)}), 200)
        << "a report for no known delivery is answered 200";
}

TEST_F(Callbacks, malformed_and_oversized_requests_are_refused_and_the_daemon_lives_on) {
    const std::string token = "&token=" + std::string(k_token);
    EXPECT_EQ(status({"/dlr/kannel?ref=1" + token}), 400);
    EXPECT_EQ(status({"/dlr/kannel?ref=1&type=abc" + token}), 400);
    EXPECT_EQ(status({"/inbound/kannel?text=STOP" + token}), 400);
    EXPECT_EQ(status({"/dlr/nosuchprofile?ref=1&type=1" + token}), 404);
    s.write("big.txt", std::string(200 * 1024, 'x'));
    EXPECT_EQ(status({"/dlr/kannel?ref=1&type=1" + token, "--data-binary", "@big.txt"}), 413);
    // JSON nested 32,000 deep (64 KiB, under the limit): walked once parsed, it overflowed the
    // stack before the token was even looked at. Refused as no report now.
    s.write("deep.json", std::string(32000, '[') + std::string(32000, ']'));
    EXPECT_EQ(status({"/dlr/kannel?via=json" + token, "-H", "Content-Type: application/json",
                      "--data-binary", "@deep.json"}),
              400);
    EXPECT_EQ(status({"/dlr/kannel", "-H", "Content-Type: application/json", "--data-binary",
                      "@deep.json"}),
              401);
    // A burst of garbage on raw connections.
    for (int i = 0; i < 50; ++i) {
        run_process({"bash", "-c",
                     "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) +
                         "; printf 'GARBAGE \\x00\\xff\\r\\n\\r\\n' >&3; exec 3>&-"},
                    s.dir(), {});
    }
    EXPECT_EQ(curl({"/healthz"}).out, "ok\n");
    EXPECT_EQ(sql("SELECT group_concat(state) FROM deliveries"), "sent,sent");
}

TEST_F(Callbacks, an_inbound_stop_opts_out_and_start_opts_back_in_audited) {
    const std::string token = std::string("token=") + k_token;
    EXPECT_EQ(status({"/inbound/africastalking?" + token, "--data",
                      "from=%2B22376000002&text=Arr%C3%AAt%21&to=KIBARU"}),
              200);
    EXPECT_EQ(sql("SELECT status FROM contacts WHERE phone = '+22376000002'"), "opted_out");
    EXPECT_EQ(status({"/inbound/kannel?from=76000002&text=Demarrer&" + token}), 200);
    EXPECT_EQ(sql("SELECT status FROM contacts WHERE phone = '+22376000002'"), "active");
    EXPECT_EQ(sql("SELECT group_concat(action) FROM audit_log WHERE subject = '+22376000002'"),
              "contacts.optout,contacts.optin");
    EXPECT_EQ(sql("SELECT group_concat(source) FROM contact_status_events"), "inbound,inbound");
}

// PRIX over HTTP as Kannel's get-url sends it: stored in the inbox, answered from the price
// table through the gateway; the same message (same %I id) posted again is answered once.
TEST_F(Callbacks, a_price_question_is_answered_once_from_the_price_table) {
    s.write("prices.csv", "date,commodity,market,price_min,price_max\n"
                          "2019-01-05,sesame,Kita,600,650\n");
    ASSERT_EQ(k({"prices", "import", "prices.csv"}).exit_code, 0);
    const std::string query =
        "/inbound/kannel?from=%2B22376000001&text=prix+s%C3%A9same+kita&id=kannel-42&token=" +
        std::string(k_token);
    EXPECT_EQ(curl({query}).out, "ok\n");
    EXPECT_EQ(curl({query}).out, "duplicate\n");
    ASSERT_TRUE(eventually(
        [&] { return sql("SELECT state || ' ' || gateway FROM replies") == "sent default"; }, 10))
        << sql("SELECT state || ' ' || error FROM replies") << s.read("kibaru.log");
    EXPECT_EQ(sql("SELECT matched || ' ' || reply FROM inbox"),
              "price Prix SESAME: Kita 05/01: 600-650 F/kg");
    int replies = 0;
    std::istringstream lines(s.read("gw.txt"));
    for (std::string ref, to; lines >> ref >> to;) {
        replies += ref == "r1" && to == "+22376000001";
    }
    EXPECT_EQ(replies, 1) << s.read("gw.txt");
    // Its delivery report (ref r1, as the reply's dlr-url carries it) moves the reply, not a
    // delivery.
    EXPECT_EQ(curl({"/dlr/kannel?ref=r1&type=1&token=" + std::string(k_token)}).out, "ok\n");
    EXPECT_EQ(sql("SELECT state FROM replies WHERE id = 1"), "delivered");
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'delivered'"), "0");
    const auto listed = k({"inbox", "list", "--format", "csv"});
    EXPECT_NE(listed.out.find("prix sésame kita"), std::string::npos) << listed.out;
}

TEST_F(Callbacks, metrics_count_callbacks_and_secrets_never_reach_a_log) {
    status({"/dlr/kannel?ref=1&type=1&token=" + std::string(k_token)});
    status({"/dlr/kannel?ref=1&type=1&token=wrong"});
    const auto metrics = curl({"/metrics"}).out;
    EXPECT_NE(metrics.find("kibaru_deliveries{campaign=\"1\",state=\"delivered\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("kibaru_callbacks_rejected_total{reason=\"forbidden\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics.find("kibaru_gateway_requests_total{gateway=\"default\",status=\"202\"} 2"),
              std::string::npos)
        << "each gateway's series carry its name";
    EXPECT_NE(metrics.find("kibaru_circuit_breaker_open{gateway=\"default\"} 0"),
              std::string::npos);
    EXPECT_NE(metrics.find("\nkibaru_slow_writes_total "), std::string::npos) << metrics;
    EXPECT_EQ(daemon->stop(SIGTERM), 0);
    daemon.reset();
    const auto status_out = k({"status"}).out + k({"audit", "export"}).out;
    const auto logs = s.read("kibaru.log") + s.read(".kibaru.log") + status_out;
    // What is searched really holds the daemon's log and the status and audit output.
    ASSERT_NE(logs.find("kibaru daemon started"), std::string::npos) << logs;
    ASSERT_NE(logs.find("contacts.import"), std::string::npos) << logs;
    EXPECT_EQ(logs.find(k_token), std::string::npos);
    EXPECT_EQ(logs.find(k_password), std::string::npos);
    EXPECT_EQ(logs.find("+22376000001"), std::string::npos) << "phones are masked in logs";
    for (const char* file : {"kibaru.log", "kibaru.db"}) {
        const auto perms = std::filesystem::status(s.path(file)).permissions();
        EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
                  std::filesystem::perms::none)
            << file << " is owner-only";
    }
}
