// A burst of delivery reports while a week is being sent, as an SMSC flushes its backlog after
// an outage: 20,000 reports from 500 connections at once reach the daemon's callback listener
// (build/report_burst, real HTTP on loopback) while it sends another campaign's week through
// the fault gateway. Every connection is answered, every report applied, the delivered count
// exact, and the reports were applied in batches, not one transaction each.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::run_process;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

std::string sql(const Scratch& s, const std::string& q) {
    auto out = s.sql(q).out;
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

// "reports 20000 ok 20000 ..." -> the value after `key`.
long field(const std::string& line, const std::string& key) {
    std::istringstream in(line);
    std::string word;
    while (in >> word) {
        if (word == key && in >> word) {
            return std::stol(word);
        }
    }
    return -1;
}

} // namespace

TEST(ReportBurst, twenty_thousand_reports_from_500_connections_are_applied_while_a_week_is_sent) {
    constexpr int k_reported = 20000; // sesame growers, sent before the burst
    constexpr int k_sending = 20000;  // rice growers, sent during it
    Scratch s;
    auto gateway = start_fake_gateway(s.dir(), {});
    const int port = kibaru::test::free_port();
    s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                          "/ok/cgi-bin/sendsms\"\nrate_per_second = 2000\nmax_in_flight = 32\n"
                          "[server]\nlisten = \"127.0.0.1:" +
                          std::to_string(port) + "\"\n[log]\nfile = \"kibaru.log\"\n");
    const std::vector<std::string> env = {"KIBARU_CONFIG=", "KIBARU_CALLBACK_TOKEN=t0k"};
    auto k = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml"});
        return s.kibaru(args, env);
    };
    std::string csv = "phone,name,commodities\n";
    for (int i = 0; i < k_reported + k_sending; ++i) {
        csv += std::to_string(76000000 + i) + ",P" + std::to_string(i) + "," +
               (i < k_reported ? "sesame" : "rice") + "\n";
    }
    s.write("c.csv", csv);
    ASSERT_EQ(k({"contacts", "import", "c.csv"}).exit_code, 0);
    for (const char* commodity : {"sesame", "rice"}) {
        ASSERT_EQ(k({"campaign", "create", "--name", commodity, "--commodity", commodity, "--start",
                     "2019-01-07"})
                      .exit_code,
                  0);
    }
    // Campaign 1's week goes out first (its deliveries 1..20000 are `sent`); campaign 2 has no
    // message yet, so its week waits until the daemon runs.
    ASSERT_EQ(k({"messages", "set", "1", "--week", "1", "--text", "Sesame 650"}).exit_code, 0);
    ASSERT_EQ(k({"--now", "2019-01-08T09:00:00Z", "run-once"}).exit_code, 0);
    ASSERT_EQ(sql(s, "SELECT count(*) FROM deliveries WHERE campaign_id = 1 AND state = 'sent'"),
              std::to_string(k_reported));
    ASSERT_EQ(k({"messages", "set", "2", "--week", "1", "--text", "Riz 300"}).exit_code, 0);

    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T10:00:00Z", "daemon"},
                      s.dir(), env);
    ASSERT_TRUE(eventually(
        [&] {
            return run_process(
                       {"curl", "-s", "http://127.0.0.1:" + std::to_string(port) + "/healthz"},
                       s.dir(), {})
                       .out == "ok\n";
        },
        10));
    const auto burst = run_process({std::string(KIBARU_BUILD_DIR) + "/report_burst", "--port",
                                    std::to_string(port), "--token", "t0k", "--first", "1",
                                    "--last", std::to_string(k_reported), "--type", "1",
                                    "--connections", "500", "--max-seconds", "120"},
                                   s.dir(), {});
    const auto still_sending =
        sql(s, "SELECT count(*) FROM deliveries WHERE campaign_id = 2 AND state != 'sent'");
    EXPECT_EQ(burst.exit_code, 0) << burst.out << burst.err;
    EXPECT_EQ(field(burst.out, "ok"), k_reported) << burst.out;
    EXPECT_EQ(field(burst.out, "resets"), 0) << burst.out;
    EXPECT_EQ(field(burst.out, "connect_errors"), 0) << burst.out;
    EXPECT_NE(still_sending, "0") << "the burst came while the rice week was being sent";

    ASSERT_TRUE(eventually(
        [&] {
            return sql(s, "SELECT count(*) FROM deliveries WHERE campaign_id = 2 AND state = "
                          "'sent'") == std::to_string(k_sending);
        },
        60))
        << "the rice week is sent in full";
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    EXPECT_EQ(sql(s, "SELECT count(*) FROM deliveries WHERE campaign_id = 1 AND state = "
                     "'delivered'"),
              std::to_string(k_reported));
    const auto report = k({"report", "campaign", "1", "--format", "csv"}).out;
    EXPECT_NE(report.find("\n1,2019-01-08T08:00:00Z,2019-01-15T08:00:00Z,20000,0,0,0,0,20000,"),
              std::string::npos)
        << report;
    // Batches: the transactions that wrote report events (one seal each) are far fewer than
    // the reports.
    const auto report_commits = std::stol(sql(
        s, "SELECT count(*) FROM audit_log a WHERE a.action = 'delivery_events.sealed' AND "
           "EXISTS (SELECT 1 FROM delivery_events e WHERE e.id BETWEEN json_extract(a.details, "
           "'$.from') AND json_extract(a.details, '$.to') AND e.error LIKE 'delivery report:%')"));
    EXPECT_GT(report_commits, 0);
    EXPECT_LT(report_commits, k_reported / 10) << "reports are applied in batches";
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}
