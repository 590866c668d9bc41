// A database that refuses writes while the engine sends, as a file turned read-only does
// (SQLITE_READONLY, through PRAGMA query_only on the engine's own connection): every write
// fails from a chosen moment until it is lifted, so what the engine does meanwhile is exact.
// A disk that really fills (a small tmpfs, under the daemon) is tests/integration's
// test_integration_disk_full.
#include "../ops/ops_fixture.hpp"
#include "engine/engine.hpp"
#include "engine/slow_writes.hpp"
#include "engine/storage_guard.hpp"
#include "engine/storage_health.hpp"
#include "scripted_gateway.hpp"
#include "sesame_week.hpp"
#include "util/metrics.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <set>
#include <sstream>
#include <thread>

using namespace kibaru;
using namespace std::chrono;

namespace {

class StorageTest : public test::OpsTest {
protected:
    void SetUp() override {
        OpsTest::SetUp();
        test::seed_sesame_week(env(), k_producers);
        config.gateway.rate_per_second = 0;
        config.gateway.max_in_flight = 8;
    }

    void send_through_failing_writes(const std::function<void()>& fail,
                                     const std::function<void()>& mend, const std::string& reason);
    void refuse_writes() { db->exec("PRAGMA query_only = ON"); }
    void take_writes() { db->exec("PRAGMA query_only = OFF"); }

    static constexpr int k_producers = 200;
};

} // namespace

// Sends the week while writes fail from the 20th request until 200 ms of retries have passed
// (`fail` and `mend` start and end it), and checks what the engine did meanwhile and after:
// nothing claimed, nothing marked failed, every answer recorded once, the failure's `reason`
// on /healthz and in the `storage.recovered` audit entry.
void StorageTest::send_through_failing_writes(const std::function<void()>& fail,
                                              const std::function<void()>& mend,
                                              const std::string& reason) {
    boost::asio::io_context io;
    util::Metrics metrics;
    std::vector<std::string> asked;
    engine::EngineOptions options;
    options.tick = milliseconds{50};
    options.storage_retry = milliseconds{10};
    options.metrics = &metrics;
    options.http_port = [&](const core::GatewayConfig&) -> std::unique_ptr<net::HttpPort> {
        return std::make_unique<test::ScriptedGateway>(io, test::answer(202, "0: Accepted"), asked,
                                                       [&fail](std::size_t n) {
                                                           if (n == 20) {
                                                               fail(); // while 20 requests are out
                                                           }
                                                       });
    };
    engine::Engine engine(
        io, *db, config, {core::GatewaySettings::for_gateway(config, config.gateway, "", "")},
        [] { return test::k_week_one; }, options);

    // Observed while writes fail, then once they succeed again.
    std::string failure_seen;
    std::size_t asked_when_full = 0;
    std::size_t asked_later = 0;
    std::string failed_while_full;
    int polls_while_full = 0;
    bool done = false;
    boost::asio::steady_timer poll(io);
    boost::asio::steady_timer deadline(io);
    std::function<void()> watch = [&] {
        poll.expires_after(milliseconds{10});
        poll.async_wait([&](const boost::system::error_code& ec) {
            if (ec) {
                return;
            }
            if (failure_seen.empty() && !metrics.storage_failure.empty()) {
                failure_seen = metrics.storage_failure;
                asked_when_full = asked.size();
            } else if (!failure_seen.empty() && polls_while_full < 20) {
                if (++polls_while_full == 20) { // 200 ms of retries, every 10 ms
                    asked_later = asked.size();
                    failed_while_full = sql("SELECT count(*) FROM deliveries WHERE state IN "
                                            "('failed', 'retrying', 'unknown', 'expired')");
                    mend();
                }
            } else if (polls_while_full == 20 && metrics.storage_failure.empty() &&
                       sql("SELECT count(*) FROM deliveries WHERE state = 'sent'") ==
                           std::to_string(k_producers)) {
                done = true;
                engine.stop(seconds{1}, [&io] { io.stop(); });
                return;
            }
            watch();
        });
    };
    deadline.expires_after(seconds{30});
    deadline.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) {
            io.stop();
        }
    });
    engine.start();
    watch();
    io.run();

    ASSERT_FALSE(failure_seen.empty()) << "the refused writes were never noticed";
    EXPECT_NE(failure_seen.find(reason), std::string::npos) << failure_seen;
    EXPECT_EQ(asked_later, asked_when_full) << "nothing is claimed while writes fail";
    EXPECT_LT(asked_when_full, static_cast<std::size_t>(k_producers));
    EXPECT_EQ(failed_while_full, "0")
        << "the answers that came back wait in memory; nothing is marked failed";
    ASSERT_TRUE(done) << "sending did not resume when space came back";
    EXPECT_EQ(asked.size(), static_cast<std::size_t>(k_producers));
    EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()).size(), asked.size())
        << "nobody was sent the week twice";
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'storage.recovered' AND "
                  "instr(details, '" +
                  reason + "') > 0"),
              "1");
    EXPECT_EQ(db->scalar_int("SELECT count(*) FROM delivery_events WHERE state = 'sent'"),
              k_producers)
        << "every answer that waited in memory was recorded once";
}

TEST_F(StorageTest, a_database_that_refuses_writes_pauses_claiming_not_the_engine) {
    send_through_failing_writes([this] { refuse_writes(); }, [this] { take_writes(); }, "readonly");
}

// A write that fails for another reason than the disk (here a trigger that refuses every change
// of a delivery, as a defect or a file edited by hand would) used to end the daemon, and systemd
// started it into the same failure again and again. It waits as a refused write does.
TEST_F(StorageTest, a_write_that_fails_for_another_reason_pauses_claiming_too) {
    send_through_failing_writes(
        [this] {
            db->exec("CREATE TRIGGER no_change BEFORE UPDATE ON deliveries BEGIN SELECT "
                     "RAISE(ABORT, 'no change today'); END");
        },
        [this] { db->exec("DROP TRIGGER no_change"); }, "unexpected error");
}

TEST(StorageHealth, logs_the_first_failure_then_at_most_once_a_minute_and_times_the_episode) {
    engine::StorageHealth health;
    const auto t0 = engine::StorageHealth::Clock::time_point{} + hours{1};
    EXPECT_FALSE(health.failing());
    EXPECT_FALSE(health.succeeded(t0)) << "no episode to end";
    EXPECT_TRUE(health.failed("claiming: disk full", t0));
    EXPECT_FALSE(health.failed("claiming: disk full", t0 + seconds{2}));
    EXPECT_FALSE(health.failed("recording outcomes: disk full", t0 + seconds{59}));
    EXPECT_EQ(health.reason(), "recording outcomes: disk full");
    EXPECT_TRUE(health.failed("claiming: disk full", t0 + seconds{60}));
    EXPECT_FALSE(health.failed("claiming: disk full", t0 + seconds{61}));
    EXPECT_EQ(health.failing_for(t0 + seconds{90}), seconds{90});
    EXPECT_EQ(health.succeeded(t0 + seconds{95}), seconds{95});
    EXPECT_FALSE(health.failing());
    EXPECT_TRUE(health.reason().empty());
    EXPECT_TRUE(health.failed("claiming: disk full", t0 + seconds{96})) << "a new episode";
}

TEST(SlowWrites, logs_the_first_slow_write_then_a_summary_at_most_once_a_minute) {
    engine::SlowWrites slow;
    const auto t0 = engine::SlowWrites::Clock::time_point{} + hours{1};
    EXPECT_FALSE(slow.wrote("claiming", milliseconds{99}, t0)) << "under 100 ms: not slow";
    const auto first = slow.wrote("claiming", milliseconds{120}, t0);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->count, 1);
    EXPECT_EQ(first->longest, milliseconds{120});
    EXPECT_EQ(describe(*first), "a database write took 120 ms (claiming); no request left "
                                "meanwhile, as each send waits for its claim to be on disk: "
                                "the disk is slow, or another process held the database");
    EXPECT_FALSE(slow.wrote("claiming", milliseconds{300}, t0 + seconds{10}));
    EXPECT_FALSE(slow.wrote("recording outcomes", milliseconds{626}, t0 + seconds{20}));
    EXPECT_FALSE(slow.wrote("claiming", milliseconds{150}, t0 + seconds{59}));
    EXPECT_FALSE(slow.summary_due(t0 + seconds{59}));
    EXPECT_TRUE(slow.summary_due(t0 + seconds{60}));
    const auto minute = slow.wrote("claiming", milliseconds{101}, t0 + seconds{60});
    ASSERT_TRUE(minute) << "a minute after the last line";
    EXPECT_EQ(minute->count, 4);
    EXPECT_EQ(minute->longest, milliseconds{626});
    EXPECT_EQ(minute->doing, "recording outcomes");
    EXPECT_NE(describe(*minute).find("4 database writes took over 100 ms each since the last such "
                                     "warning, the longest 626 ms (recording outcomes)"),
              std::string::npos);
    EXPECT_FALSE(slow.held_back()) << "all said";
    EXPECT_FALSE(slow.summary_due(t0 + seconds{65})) << "nothing held back";
    EXPECT_FALSE(slow.wrote("claiming", milliseconds{5}, t0 + seconds{65}));

    EXPECT_FALSE(slow.wrote("claiming", milliseconds{200}, t0 + seconds{70}));
    EXPECT_FALSE(slow.wrote("claiming", milliseconds{5}, t0 + seconds{100})) << "within the minute";
    const auto quick = slow.wrote("claiming", milliseconds{5}, t0 + seconds{120});
    ASSERT_TRUE(quick) << "held back, then released by the next write after the minute";
    EXPECT_EQ(quick->count, 1);
    EXPECT_EQ(quick->longest, milliseconds{200});

    EXPECT_FALSE(slow.wrote("claiming", milliseconds{250}, t0 + seconds{130}));
    const auto rest = slow.held_back();
    ASSERT_TRUE(rest) << "what the end of a run must still say";
    EXPECT_EQ(rest->count, 1);
    EXPECT_FALSE(slow.held_back());
}

// The guard times the writes asked to be timed: a slow one is in the log at once, the next
// within the minute when the guard ends; a slow untimed write (a week's opening) is not.
TEST(StorageGuardSlowWrites, a_slow_timed_write_is_logged_with_what_it_was) {
    std::ostringstream logged;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(logged)));
    const auto timed = engine::StorageGuard::Write::cycle;
    const auto slowly = [] { std::this_thread::sleep_for(110ms); };
    util::Metrics metrics;
    {
        boost::asio::io_context io;
        engine::StorageGuard::Options options;
        options.metrics = &metrics;
        engine::StorageGuard guard(
            io, options, [] {}, [] { return false; });
        EXPECT_TRUE(guard.write("a quick write", timed, [] {}));
        EXPECT_TRUE(guard.write("opening a week", slowly));
        EXPECT_EQ(logged.str(), "") << "quick, or untimed";
        EXPECT_TRUE(guard.write("a slow write", timed, slowly));
        EXPECT_NE(logged.str().find("a database write took "), std::string::npos) << logged.str();
        EXPECT_NE(logged.str().find(" ms (a slow write)"), std::string::npos) << logged.str();
        logged.str("");
        EXPECT_TRUE(guard.write("another", timed, slowly));
        EXPECT_EQ(logged.str(), "") << "held back for a minute";
    }
    EXPECT_NE(logged.str().find(" ms (another)"), std::string::npos) << "said when the guard ends";
    EXPECT_EQ(metrics.slow_writes, 2u) << "every slow timed write, logged or held back";
    EXPECT_NE(metrics.render({}).find("\nkibaru_slow_writes_total 2\n"), std::string::npos);
    spdlog::set_default_logger(previous);
}
