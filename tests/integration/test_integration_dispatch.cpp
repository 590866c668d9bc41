// The daemon and run-once against the loopback fake gateway: real SQLite file, real HTTP over
// loopback, real processes. Each test proves one promise of SPEC.md from the gateway's own
// record of the requests it accepted.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::FakeGateway;
using kibaru::test::RunResult;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

class Dispatch : public ::testing::Test {
protected:
    // `producers` sesame growers: even ones French, odd ones Bambara.
    void setup(const std::string& route, std::vector<std::string> gateway_args = {},
               int producers = 20, const std::string& extra_config = "") {
        gateway_args.insert(gateway_args.end(), {"--record", "accepted.txt"});
        gateway = start_fake_gateway(s.dir(), gateway_args);
        s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                              "/" + route +
                              "/cgi-bin/sendsms\"\nrate_per_second = 0\ntimeout_ms = 1000\n"
                              "backoff_initial_ms = 1000\nbackoff_max_ms = 20000\n" +
                              extra_config +
                              // Any free port for the callback server: daemon tests run in
                              // parallel, and two on one port made the second exit at start.
                              "\n[server]\nlisten = \"127.0.0.1:0\"\n[log]\nfile = "
                              "\"kibaru.log\"\n");
        std::string csv = "phone,name,region,commodities,language\n";
        for (int i = 1; i <= producers; ++i) {
            csv += "7600" + std::to_string(1000 + i) + ",Producteur " + std::to_string(i) +
                   ",Kita,sesame," + (i % 2 ? "bm" : "fr") + "\n";
        }
        s.write("producers.csv", csv);
        ASSERT_EQ(k({"contacts", "import", "producers.csv"}).exit_code, 0);
        const auto created = k({"campaign", "create", "--name", "Sésame", "--commodity", "sesame",
                                "--start", "2019-01-07"});
        ASSERT_EQ(created.exit_code, 0) << created.err;
        campaign = created.out.substr(0, created.out.find('\n'));
        for (const char* language : {"fr", "bm"}) {
            set_message(language);
        }
    }
    void set_message(const std::string& language, int week = 0) {
        std::string rows = "week,language,text\n";
        for (int w = 1; w <= 21; ++w) {
            if (week == 0 || w == week) {
                rows += std::to_string(w) + "," + language + ",{name}: sésame S{week} 650 FCFA\n";
            }
        }
        s.write("m.csv", rows);
        const auto r = k({"messages", "import", campaign, "m.csv"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult k(std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml"});
        return s.kibaru(args);
    }
    RunResult run_once(const std::string& now) {
        auto r = k({"--now", now, "run-once"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r;
    }
    std::string sql(const std::string& q) {
        auto out = s.sql(q).out;
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }
    long count(const std::string& where) {
        return std::stol(sql("SELECT count(*) FROM deliveries WHERE " + where));
    }
    // The gateway's own record: how many times it accepted each ref.
    std::map<std::string, int> accepted() {
        std::map<std::string, int> refs;
        std::istringstream lines(s.read("accepted.txt"));
        for (std::string ref, to; lines >> ref >> to;) {
            ++refs[ref];
        }
        return refs;
    }
    int duplicates() {
        int n = 0;
        for (const auto& [ref, times] : accepted()) {
            n += times > 1;
        }
        return n;
    }

    Scratch s;
    FakeGateway gateway;
    std::string campaign;
};

} // namespace

TEST_F(Dispatch, run_once_at_the_opening_sends_one_sms_to_each_member_and_a_second_sends_none) {
    setup("ok", {}, 20);
    ASSERT_EQ(k({"contacts", "optout", "76001003"}).exit_code, 0);
    const auto first = run_once("2019-01-08T08:00:00Z");
    EXPECT_NE(first.out.find("sent 19"), std::string::npos) << first.out;
    EXPECT_EQ(accepted().size(), 19u);
    EXPECT_EQ(duplicates(), 0);
    EXPECT_EQ(count("state = 'sent'"), 19) << "the opted-out contact is not in the audience";
    const auto second = run_once("2019-01-08T08:05:00Z");
    EXPECT_NE(second.out.find("sent 0"), std::string::npos) << second.out;
    EXPECT_EQ(accepted().size(), 19u);
    // Every transition is in the event history: sending, sent.
    EXPECT_EQ(sql("SELECT count(*) FROM delivery_events"), "38");
    EXPECT_EQ(sql("SELECT count(*) FROM delivery_events WHERE state = 'sent' AND http_status = "
                  "202 AND latency_ms IS NOT NULL"),
              "19");
}

TEST_F(Dispatch, a_proxy_in_the_environment_carries_the_requests) {
    setup("ok", {}, 6);
    // The gateway's address is unreachable (TEST-NET-1): only the proxy, the fake gateway, can
    // take the requests.
    const std::string direct = "127.0.0.1:" + std::to_string(gateway.port);
    auto toml = s.read("k.toml");
    toml.replace(toml.find(direct), direct.size(), "192.0.2.1:9");
    s.write("k.toml", toml);
    const auto r = s.kibaru({"--config", "k.toml", "--now", "2019-01-08T08:00:00Z", "run-once"},
                            {"http_proxy=http://" + direct, "no_proxy=", "NO_PROXY="});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("sent 6"), std::string::npos) << r.out;
    EXPECT_EQ(accepted().size(), 6u);
    EXPECT_EQ(duplicates(), 0);
}

TEST_F(Dispatch, nothing_is_sent_outside_send_hours) {
    setup("ok");
    run_once("2019-01-08T20:30:00Z"); // 20:30 in Bamako: the week is open, sending is not
    EXPECT_EQ(count("state = 'pending'"), 20);
    EXPECT_TRUE(accepted().empty());
    run_once("2019-01-09T06:59:00Z");
    EXPECT_TRUE(accepted().empty());
    run_once("2019-01-09T07:00:00Z");
    EXPECT_EQ(accepted().size(), 20u);
}

TEST_F(Dispatch, a_missed_week_is_expired_never_sent_late) {
    setup("ok");
    run_once("2019-01-22T09:00:00Z"); // first run in week 3
    EXPECT_EQ(count("week IN (1, 2) AND state = 'expired'"), 40);
    EXPECT_EQ(count("week = 3 AND state = 'sent'"), 20);
    EXPECT_EQ(accepted().size(), 20u);
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'week.closed'"), "2");
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}

TEST_F(Dispatch, unsent_deliveries_expire_when_the_week_closes) {
    setup("ok");
    run_once("2019-01-08T21:00:00Z"); // open, but outside send hours
    run_once("2019-01-15T08:00:00Z"); // week 2 opens, week 1 closes unsent
    EXPECT_EQ(count("week = 1 AND state = 'expired'"), 20);
    EXPECT_EQ(count("week = 2 AND state = 'sent'"), 20);
    // Every week-1 delivery id, checked against every ref the gateway accepted.
    std::set<std::string> week1;
    std::istringstream ids(sql("SELECT id FROM deliveries WHERE week = 1"));
    for (std::string id; ids >> id;) {
        week1.insert(id);
    }
    ASSERT_EQ(week1.size(), 20u);
    for (const auto& [ref, times] : accepted()) {
        EXPECT_EQ(week1.count(ref), 0u) << "week 1 delivery " << ref << " was sent late";
    }
}

TEST_F(Dispatch, with_30_percent_5xx_and_429_every_delivery_is_accepted_exactly_once) {
    setup("mix", {"--p500", "0.2", "--p429", "0.1", "--retry-after", "1", "--seed", "7"}, 60,
          "max_attempts = 12");
    for (int minute = 0; minute == 0 || (minute < 40 && count("state <> 'sent'") > 0);
         minute += 2) {
        char now[32];
        std::snprintf(now, sizeof now, "2019-01-08T09:%02d:00Z", minute);
        run_once(now);
    }
    EXPECT_EQ(count("state = 'sent'"), 60);
    EXPECT_EQ(accepted().size(), 60u);
    EXPECT_EQ(duplicates(), 0);
    EXPECT_GT(std::stol(sql("SELECT count(*) FROM delivery_events WHERE state = 'retrying'")), 5)
        << "the faults did happen";
    EXPECT_GT(std::stol(sql("SELECT count(*) FROM delivery_events WHERE http_status = 429")), 0);
}

TEST_F(Dispatch, timeouts_and_resets_are_retried_too) {
    setup("mix", {"--preset", "0.2", "--phang", "0.1", "--seed", "3"}, 30, "max_attempts = 12");
    for (int minute = 0; minute == 0 || (minute < 40 && count("state <> 'sent'") > 0);
         minute += 2) {
        char now[32];
        std::snprintf(now, sizeof now, "2019-01-08T09:%02d:00Z", minute);
        run_once(now);
    }
    EXPECT_EQ(count("state = 'sent'"), 30);
    EXPECT_EQ(duplicates(), 0);
    EXPECT_GT(std::stol(sql("SELECT count(*) FROM delivery_events WHERE state = 'retrying' AND "
                            "http_status IS NULL")),
              0);
}

TEST_F(Dispatch, a_400_is_permanent_and_not_retried) {
    setup("ok", {"--reject", "+22376001002"});
    run_once("2019-01-08T09:00:00Z");
    run_once("2019-01-08T10:00:00Z");
    EXPECT_EQ(sql("SELECT state || ' ' || attempts FROM deliveries d JOIN contacts c ON c.id = "
                  "d.contact_id WHERE c.phone = '+22376001002'"),
              "failed 1");
    EXPECT_EQ(count("state = 'sent'"), 19);
}

TEST_F(Dispatch, a_contact_opted_out_after_the_week_opened_is_skipped) {
    setup("ok");
    run_once("2019-01-08T21:00:00Z"); // the week opens at night: nothing sent yet
    ASSERT_EQ(k({"contacts", "optout", "76001004"}).exit_code, 0);
    run_once("2019-01-09T08:00:00Z");
    EXPECT_EQ(count("state = 'skipped'"), 1);
    EXPECT_EQ(accepted().size(), 19u);
}

TEST_F(Dispatch, pause_holds_sends_resume_releases_them_cancel_skips_them) {
    setup("ok");
    ASSERT_EQ(k({"campaign", "pause", campaign}).exit_code, 0);
    run_once("2019-01-08T09:00:00Z");
    EXPECT_TRUE(accepted().empty());
    EXPECT_EQ(count("state = 'pending'"), 20) << "the week opened; its audience is fixed";
    ASSERT_EQ(k({"campaign", "resume", campaign}).exit_code, 0);
    run_once("2019-01-08T10:00:00Z");
    EXPECT_EQ(accepted().size(), 20u);
    run_once("2019-01-15T21:00:00Z"); // week 2 opens at night
    ASSERT_EQ(k({"campaign", "cancel", campaign}).exit_code, 0);
    run_once("2019-01-16T09:00:00Z");
    EXPECT_EQ(count("week = 2 AND state = 'skipped'"), 20);
    EXPECT_EQ(accepted().size(), 20u);
}

TEST_F(Dispatch, a_week_without_a_message_waits_for_it_while_open) {
    setup("ok");
    ASSERT_EQ(
        k({"campaign", "create", "--name", "Riz", "--commodity", "sesame", "--start", "2019-01-07"})
            .exit_code,
        0);
    s.write("fr.csv", "week,language,text\n1,fr,Riz S1\n");
    ASSERT_EQ(k({"messages", "import", "2", "fr.csv"}).exit_code, 0);
    run_once("2019-01-08T09:00:00Z");
    EXPECT_EQ(count("campaign_id = 2 AND state = 'sent'"), 10) << "French went out";
    EXPECT_EQ(count("campaign_id = 2 AND state = 'pending' AND language = 'bm'"), 10);
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'week.missing_message' AND "
                  "details LIKE '%\"bm\"%'"),
              "1");
    s.write("bm.csv", "week,language,text\n1,bm,Malo dɔgɔkun 1\n");
    ASSERT_EQ(k({"messages", "import", "2", "bm.csv"}).exit_code, 0);
    run_once("2019-01-09T09:00:00Z");
    EXPECT_EQ(count("campaign_id = 2 AND state = 'sent'"), 20);
    EXPECT_EQ(duplicates(), 0);
}

TEST_F(Dispatch, a_21_week_campaign_simulated_with_now) {
    setup("ok", {}, 10);
    for (int week = 1; week <= 21; ++week) {
        // Each Tuesday at 09:00 UTC from 2019-01-08.
        run_once(kibaru::test::date_plus("2019-01-08", 7 * (week - 1)) + "T09:00:00Z");
    }
    run_once("2019-06-10T09:00:00Z"); // after the end: week 21 closes
    EXPECT_EQ(count("state = 'sent'"), 210);
    EXPECT_EQ(accepted().size(), 210u);
    EXPECT_EQ(duplicates(), 0);
    EXPECT_EQ(sql("SELECT count(*) FROM campaign_weeks WHERE closed = 1"), "21");
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}

TEST_F(Dispatch, an_outage_opens_the_circuit_and_fails_nobody) {
    setup("500", {}, 80, "max_attempts = 5");
    run_once("2019-01-08T09:00:00Z");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'gateway.outage'"), "1");
    EXPECT_EQ(count("state = 'failed'"), 0);
    // The threshold's 20 failures, and at most a claim window already claimed when the circuit
    // opens: twice max_in_flight 16, since refusals do not measure the gateway's round trip
    // (the window grows only on accepted sends, engine/lane.hpp).
    EXPECT_LE(std::stol(sql("SELECT count(*) FROM delivery_events WHERE state = 'retrying'")), 52)
        << "sending stops once the breaker opens";
}

// The gateway dies mid-broadcast and stays down for many probe periods (seconds here, as
// minutes would be in the field; scripts/soak.sh --outage 120 runs a long one). With
// max_attempts = 2 the probes alone would fail their deliveries if outage failures counted.
TEST_F(Dispatch, a_gateway_outage_fails_nobody_and_sending_resumes_when_it_is_back) {
    setup("slow", {"--slow-ms", "40"}, 36,
          "max_in_flight = 2\nmax_attempts = 2\nbreaker_threshold = 4\n"
          "breaker_cooldown_ms = 200\nbreaker_max_cooldown_ms = 800");
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T09:00:00Z", "daemon"},
                      s.dir(), {"KIBARU_CONFIG="});
    ASSERT_TRUE(eventually([&] { return count("state = 'sent'") >= 30; }, 20));
    gateway.process->stop(SIGKILL); // connections refused from now on
    const auto outage = [&] {
        return sql("SELECT count(*) FROM audit_log WHERE action = 'gateway.outage'") != "0";
    };
    ASSERT_TRUE(eventually(outage, 10));
    const long sent_before = count("state = 'sent'");
    // Down for at least ten probes (800 ms apart at most): more than the few deliveries never
    // tried, so probes come back to deliveries that have used their two attempts.
    std::this_thread::sleep_for(std::chrono::seconds(9));
    EXPECT_EQ(count("state = 'failed'"), 0) << "nothing fails because the gateway is down";
    EXPECT_EQ(count("state = 'sent'"), sent_before);
    EXPECT_GE(std::stol(sql("SELECT max(attempts) FROM deliveries")), 3)
        << "probes went on during the outage, beyond max_attempts";

    gateway = start_fake_gateway(s.dir(), {"--port", std::to_string(gateway.port), "--slow-ms",
                                           "40", "--record", "accepted.txt"});
    ASSERT_TRUE(eventually([&] { return count("state = 'sent'") == 36; }, 60))
        << count("state = 'sent'") << " sent";
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    EXPECT_EQ(count("state = 'failed'"), 0);
    EXPECT_EQ(accepted().size(), 36u);
    EXPECT_EQ(duplicates(), 0);
    EXPECT_EQ(sql("SELECT count(*) > 0 FROM audit_log WHERE action = 'gateway.recovered'"), "1");
}

TEST_F(Dispatch, sigterm_lets_in_flight_sends_finish_and_exits_0) {
    setup("slow", {"--slow-ms", "400"}, 40, "max_in_flight = 8");
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T09:00:00Z", "daemon"},
                      s.dir(), {"KIBARU_CONFIG="});
    ASSERT_TRUE(eventually([&] { return count("state = 'sending'") > 0; }, 10));
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    EXPECT_EQ(count("state IN ('sending', 'unknown')"), 0) << "in-flight sends were recorded";
    EXPECT_EQ(static_cast<long>(accepted().size()), count("state = 'sent'"));
}

TEST_F(Dispatch, sigkill_mid_broadcast_then_restart_never_sends_twice_nor_loses_any) {
    setup("slow", {"--slow-ms", "150"}, 120, "max_in_flight = 8");
    {
        Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                           "2019-01-08T09:00:00Z", "daemon"},
                          s.dir(), {"KIBARU_CONFIG="});
        ASSERT_TRUE(eventually([&] { return count("state = 'sent'") >= 30; }, 20));
        daemon.stop(SIGKILL);
    }
    const long in_flight_at_kill = count("state = 'sending'");
    // A gateway slower than the dispatcher's cycle (150 ms) keeps the claim window at twice
    // max_in_flight (engine/lane.hpp).
    EXPECT_LE(in_flight_at_kill, 16) << "at most a claim window (2 × max_in_flight) is `sending`";
    {
        Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                           "2019-01-08T09:10:00Z", "daemon"},
                          s.dir(), {"KIBARU_CONFIG="});
        ASSERT_TRUE(eventually([&] { return count("state IN ('pending', 'sending')") == 0; }, 60));
        EXPECT_EQ(daemon.stop(SIGTERM), 0);
    }
    EXPECT_EQ(count("state = 'unknown'"), in_flight_at_kill);
    EXPECT_EQ(count("state = 'sent'") + count("state = 'unknown'"), 120) << "none lost";
    EXPECT_EQ(duplicates(), 0) << "no delivery accepted twice";
    EXPECT_LE(static_cast<long>(accepted().size()), 120);
    EXPECT_GE(static_cast<long>(accepted().size()), count("state = 'sent'"));
}

// Staff send a week's failed deliveries again once the cause is fixed (here: a gateway that
// refused two numbers, replaced by one that takes them): counted by --dry-run, queued once,
// sent by the next pass, audited with who asked; refused once the week has closed.
TEST_F(Dispatch, staff_resend_a_weeks_failed_deliveries_while_it_is_open) {
    setup("ok", {"--reject", "+22376001002", "--reject", "+22376001004"});
    run_once("2019-01-08T09:00:00Z");
    ASSERT_EQ(count("state = 'failed'"), 2);
    const auto resend_at = [&](const std::string& now) {
        return std::vector<std::string>{"--now",      now,      "--actor",    "awa",
                                        "deliveries", "resend", "--campaign", campaign,
                                        "--week",     "1",      "--state",    "failed"};
    };
    const auto resend = resend_at("2019-01-08T09:30:00Z");
    auto dry_args = resend;
    dry_args.push_back("--dry-run");
    const auto dry = k(dry_args);
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_NE(dry.out.find("2 failed deliveries would be sent again"), std::string::npos)
        << dry.out;
    EXPECT_EQ(count("state = 'failed'"), 2) << "a dry run changes nothing";

    auto fixed = start_fake_gateway(s.dir(), {"--record", "accepted.txt"});
    auto config = s.read("k.toml");
    const auto port = std::to_string(gateway.port);
    config.replace(config.find(port), port.size(), std::to_string(fixed.port));
    s.write("k.toml", config);
    const auto queued = k(resend);
    EXPECT_EQ(queued.exit_code, 0) << queued.err;
    EXPECT_NE(queued.out.find("2 failed deliveries queued to be sent again"), std::string::npos)
        << queued.out;
    run_once("2019-01-08T10:00:00Z");
    EXPECT_EQ(count("state = 'sent'"), 20);
    EXPECT_EQ(duplicates(), 0);
    EXPECT_EQ(sql("SELECT actor || ' ' || json_extract(details, '$.deliveries') FROM audit_log "
                  "WHERE action = 'deliveries.resend'"),
              "awa 2");
    EXPECT_EQ(sql("SELECT count(*) FROM delivery_events WHERE error = 'sent again: awa asked (was "
                  "failed)'"),
              "2");
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0) << "the resend's events are sealed";

    run_once("2019-01-16T21:00:00Z"); // week 1 has closed
    const auto late = k(resend_at("2019-01-16T21:00:00Z"));
    EXPECT_EQ(late.exit_code, 2) << late.out;
    EXPECT_NE(late.err.find("never sent again after its week has closed"), std::string::npos)
        << late.err;
    const auto not_open = k({"--now", "2019-01-16T21:00:00Z", "deliveries", "resend", "--campaign",
                             campaign, "--week", "9", "--state", "unknown"});
    EXPECT_EQ(not_open.exit_code, 2);
    EXPECT_NE(not_open.err.find("has not opened"), std::string::npos) << not_open.err;

    // Sent again after a cancel, they would be skipped: failures would read as never sent.
    ASSERT_EQ(k({"--now", "2019-01-16T21:00:00Z", "campaign", "cancel", campaign}).exit_code, 0);
    const auto cancelled = k({"--now", "2019-01-16T21:00:00Z", "deliveries", "resend", "--campaign",
                              campaign, "--week", "2", "--state", "failed"});
    EXPECT_EQ(cancelled.exit_code, 2);
    EXPECT_NE(cancelled.err.find("is cancelled"), std::string::npos) << cancelled.err;
}

// resend_unknown = "after_grace": after a SIGKILL, a delivery in doubt whose report arrives
// within the grace is resolved by it and never sent again; the others are sent again once the
// grace has passed, each with an event saying why.
TEST_F(Dispatch, after_grace_in_doubt_sends_are_resolved_by_their_report_or_sent_again_once) {
    setup("slow", {"--slow-ms", "400"}, 40,
          "max_in_flight = 8\nresend_unknown = \"after_grace\"\nunknown_grace_seconds = 5");
    const int callbacks = kibaru::test::free_port();
    auto config = s.read("k.toml");
    config.replace(config.find("127.0.0.1:0"), 11, "127.0.0.1:" + std::to_string(callbacks));
    s.write("k.toml", config);
    const std::vector<std::string> env = {"KIBARU_CONFIG=", "KIBARU_CALLBACK_TOKEN=t0k3n"};
    {
        Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                           "2019-01-08T09:00:00Z", "daemon"},
                          s.dir(), env);
        ASSERT_TRUE(eventually([&] { return count("state = 'sending'") >= 4; }, 10));
        daemon.stop(SIGKILL);
    }
    const auto in_doubt = count("state = 'sending'");
    const auto reported = sql("SELECT min(id) FROM deliveries WHERE state = 'sending'");
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T09:10:00Z", "daemon"},
                      s.dir(), env);
    const auto base = "http://127.0.0.1:" + std::to_string(callbacks);
    ASSERT_TRUE(eventually(
        [&] {
            return kibaru::test::run_process({"curl", "-s", base + "/healthz"}, s.dir(), {}).out ==
                   "ok\n";
        },
        10));
    // The report of one in-doubt SMS arrives within the grace: it resolves that delivery.
    const auto posted =
        kibaru::test::run_process({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                   base + "/dlr/kannel?token=t0k3n&type=1&ref=" + reported},
                                  s.dir(), {});
    EXPECT_EQ(posted.out, "200");
    ASSERT_TRUE(eventually(
        [&] { return count("state IN ('pending', 'sending', 'retrying', 'unknown')") == 0; }, 30));
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    EXPECT_EQ(sql("SELECT state FROM deliveries WHERE id = " + reported), "delivered");
    EXPECT_EQ(sql("SELECT count(*) FROM delivery_events WHERE delivery_id = " + reported +
                  " AND error LIKE 'sent again%'"),
              "0");
    EXPECT_EQ(std::stol(sql("SELECT count(DISTINCT delivery_id) FROM delivery_events WHERE error "
                            "LIKE 'sent again: no delivery report within unknown_grace_seconds%'")),
              in_doubt - 1);
    EXPECT_EQ(std::stol(sql("SELECT json_extract(details, '$.deliveries') FROM audit_log WHERE "
                            "action = 'deliveries.resent'")),
              in_doubt - 1);
    EXPECT_EQ(count("state = 'sent'"), 39);
    EXPECT_LE(accepted()[reported], 1) << "the reported SMS was not sent a second time";
}
