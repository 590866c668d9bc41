// Replies as outbound messages of their own, through the real daemon over loopback HTTP: a
// reply that meets a gateway's 500 is sent again with backoff until the gateway takes it, and
// each reply reaches the gateway once; one that may have reached it (a timeout) is never sent
// again; replies queued while the daemon was down (by staff with `inbox reply`) are sent when
// it starts.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <map>
#include <sstream>
#include <thread>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::FakeGateway;
using kibaru::test::run_process;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

const char* k_token = "replies-t0k3n";

class Replies : public ::testing::Test {
protected:
    void start(const std::string& route, std::vector<std::string> gateway_args) {
        gateway_args.insert(gateway_args.end(), {"--record", "gw.txt"});
        gateway = start_fake_gateway(s.dir(), gateway_args);
        port = kibaru::test::free_port();
        s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                              "/" + route +
                              "/cgi-bin/sendsms\"\nrate_per_second = 0\nmax_attempts = 12\n"
                              "backoff_initial_ms = 20\nbackoff_max_ms = 100\ntimeout_ms = 300\n"
                              "breaker_threshold = 1000\n[server]\nlisten = \"127.0.0.1:" +
                              std::to_string(port) + "\"\npublic_url = \"http://127.0.0.1:" +
                              std::to_string(port) + "\"\n[log]\nfile = \"kibaru.log\"\n");
        std::string csv = "phone,name,commodities\n";
        for (int i = 1; i <= 10; ++i) {
            csv += "760000" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ",P" +
                   std::to_string(i) + ",sesame\n";
        }
        s.write("c.csv", csv);
        ASSERT_EQ(s.kibaru({"--config", "k.toml", "contacts", "import", "c.csv"}).exit_code, 0);
    }
    void run_daemon() {
        daemon = std::make_unique<Background>(
            std::vector<std::string>{KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                                     "2019-01-08T09:00:00Z", "daemon"},
            s.dir(),
            std::vector<std::string>{"KIBARU_CONFIG=",
                                     std::string("KIBARU_CALLBACK_TOKEN=") + k_token});
        ASSERT_TRUE(eventually(
            [&] {
                return run_process({"curl", "-s", "-m", "2",
                                    "http://127.0.0.1:" + std::to_string(port) + "/healthz"},
                                   s.dir(), {})
                           .out == "ok\n";
            },
            10));
    }
    void ask(const std::string& phone, const std::string& text) {
        const auto r = run_process(
            {"curl", "-s", "-m", "5", "--data-urlencode", "from=" + phone, "--data-urlencode",
             "text=" + text,
             "http://127.0.0.1:" + std::to_string(port) + "/inbound/generic?token=" + k_token},
            s.dir(), {});
        EXPECT_EQ(r.out, "ok\n") << r.err;
    }
    std::string sql(const std::string& q) {
        auto out = s.sql(q).out;
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }
    // ref -> how many times the gateway accepted it.
    std::map<std::string, int> accepted() {
        std::map<std::string, int> refs;
        std::istringstream lines(s.read("gw.txt"));
        for (std::string ref, to; lines >> ref >> to;) {
            ++refs[ref];
        }
        return refs;
    }

    Scratch s;
    FakeGateway gateway;
    int port = 0;
    std::unique_ptr<Background> daemon;
};

} // namespace

TEST_F(Replies, a_reply_that_meets_a_500_is_sent_again_until_taken_and_only_once) {
    start("mix", {"--p500", "0.5", "--seed", "7"});
    run_daemon();
    for (int i = 1; i <= 9; ++i) {
        ask("+2237600000" + std::to_string(i), "AIDE");
    }
    ASSERT_TRUE(eventually(
        [&] { return sql("SELECT count(*) FROM replies WHERE state = 'sent'") == "9"; }, 20))
        << sql("SELECT group_concat(state || ':' || attempts) FROM replies")
        << s.read("kibaru.log");
    EXPECT_EQ(daemon->stop(SIGTERM), 0);
    daemon.reset();
    EXPECT_GT(std::stol(sql("SELECT sum(attempts) FROM replies")), 9)
        << "some met a 500 and were sent again";
    const auto refs = accepted();
    EXPECT_EQ(refs.size(), 9u);
    for (const auto& [ref, times] : refs) {
        EXPECT_EQ(ref[0], 'r') << ref;
        EXPECT_EQ(times, 1) << ref << " reached the gateway twice";
    }
}

TEST_F(Replies, a_reply_typed_while_the_daemon_was_down_is_sent_when_it_starts) {
    start("ok", {});
    run_daemon();
    ask("+22376000001", "sɔngɔ mil?");
    ASSERT_TRUE(eventually(
        [&] { return sql("SELECT count(*) FROM replies WHERE state = 'sent'") == "1"; }, 10));
    EXPECT_EQ(daemon->stop(SIGTERM), 0);
    daemon.reset();
    const auto reply = s.kibaru({"--config", "k.toml", "--actor", "awa", "inbox", "reply", "1",
                                 "--text", "Mil: pas encore."});
    ASSERT_EQ(reply.exit_code, 0) << reply.err;
    EXPECT_EQ(sql("SELECT state FROM replies WHERE kind = 'manual'"), "pending");
    run_daemon();
    ASSERT_TRUE(eventually(
        [&] { return sql("SELECT state FROM replies WHERE kind = 'manual'") == "sent"; }, 10))
        << s.read("kibaru.log");
    EXPECT_EQ(daemon->stop(SIGTERM), 0);
    daemon.reset();
    EXPECT_EQ(accepted().size(), 2u);
    EXPECT_EQ(sql("SELECT created_by FROM replies WHERE kind = 'manual'"), "awa");
    // Counted apart from campaign deliveries, with their cost (15 XOF a segment by default).
    const auto status =
        nlohmann::json::parse(s.kibaru({"--config", "k.toml", "status", "--format", "json"}).out);
    EXPECT_EQ(status["replies"]["by_state"]["sent"], 2);
    EXPECT_EQ(status["replies"]["cost"], 30.0);
    EXPECT_EQ(status["inbox"], 1);
}

TEST_F(Replies, a_reply_that_may_have_reached_the_gateway_is_never_sent_again) {
    start("hang", {});
    run_daemon();
    ask("+22376000001", "AIDE");
    ASSERT_TRUE(eventually([&] { return sql("SELECT state FROM replies") == "unknown"; }, 10))
        << sql("SELECT state || ' ' || attempts || ' ' || error FROM replies")
        << s.read("kibaru.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // longer than the backoff
    EXPECT_EQ(sql("SELECT state || ' ' || attempts FROM replies"), "unknown 1");
    EXPECT_EQ(daemon->stop(SIGTERM), 0);
    daemon.reset();
}
