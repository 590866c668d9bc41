// A disk that fills while the daemon sends: the database lives on a small tmpfs of its own, a
// file filling it comes mid-week, and is removed a little later. The daemon must stop claiming,
// not living: /healthz answers 503 with the reason, the gateway gets nothing new, nothing is
// marked failed; once space is back it resumes by itself, and every producer gets the week
// once. Needs mount(2) (root, or a container that allows it): where it is refused the test is
// skipped, and test_engine_storage still checks the engine against refused writes.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <sstream>

#include <sys/mount.h>

using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::run_process;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

// A tmpfs of `megabytes` at `dir`, unmounted (lazily: files may still be open) when it goes.
class SmallDisk {
public:
    SmallDisk(std::filesystem::path dir, int megabytes) : m_dir(std::move(dir)) {
        std::filesystem::create_directories(m_dir);
        const auto size = "size=" + std::to_string(megabytes) + "m";
        m_mounted = ::mount("tmpfs", m_dir.c_str(), "tmpfs", 0, size.c_str()) == 0;
    }
    ~SmallDisk() {
        if (m_mounted) {
            ::umount2(m_dir.c_str(), MNT_DETACH);
        }
    }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;
    bool mounted() const { return m_mounted; }

private:
    std::filesystem::path m_dir;
    bool m_mounted = false;
};

std::string trimmed(std::string s) {
    while (!s.empty() && s.back() == '\n') {
        s.pop_back();
    }
    return s;
}

} // namespace

TEST(DiskFull, a_disk_that_fills_while_sending_pauses_the_daemon_and_it_resumes_with_space) {
    constexpr int k_producers = 3000;
    Scratch s;
    SmallDisk disk(s.path("disk"), 8);
    if (!disk.mounted()) {
        GTEST_SKIP() << "mounting a tmpfs is not allowed here";
    }
    auto gateway = start_fake_gateway(s.dir(), {"--record", "accepted.txt"});
    const int port = kibaru::test::free_port();
    s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                          "/ok/cgi-bin/sendsms\"\nrate_per_second = 400\nmax_in_flight = 8\n"
                          "[server]\nlisten = \"127.0.0.1:" +
                          std::to_string(port) + "\"\n[log]\nfile = \"kibaru.log\"\n");
    const std::vector<std::string> env = {"KIBARU_CONFIG=", "KIBARU_CALLBACK_TOKEN=t0k"};
    auto k = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml", "--db", "disk/kibaru.db"});
        return s.kibaru(args, env);
    };
    auto sql = [&](const std::string& q) {
        return trimmed(
            run_process({"sqlite3", "-cmd", ".timeout 10000", "disk/kibaru.db", q}, s.dir(), {})
                .out);
    };
    auto healthz = [&] {
        return run_process({"curl", "-s", "-w", " %{http_code}",
                            "http://127.0.0.1:" + std::to_string(port) + "/healthz"},
                           s.dir(), {})
            .out;
    };
    auto accepted = [&] {
        std::map<std::string, int> times;
        std::istringstream lines(s.read("accepted.txt"));
        std::string ref;
        std::string to;
        while (lines >> ref >> to) {
            ++times[to];
        }
        return times;
    };
    std::string csv = "phone,name,commodities\n";
    for (int i = 1; i <= k_producers; ++i) {
        csv += std::to_string(76000000 + i) + ",P" + std::to_string(i) + ",sesame\n";
    }
    s.write("c.csv", csv);
    ASSERT_EQ(k({"contacts", "import", "c.csv"}).exit_code, 0);
    ASSERT_EQ(k({"campaign", "create", "--name", "Sesame", "--commodity", "sesame", "--start",
                 "2019-01-07"})
                  .exit_code,
              0);
    ASSERT_EQ(k({"messages", "set", "1", "--week", "1", "--text", "Sesame 650 FCFA/kg"}).exit_code,
              0);

    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "disk/kibaru.db", "--now",
                       "2019-01-08T09:00:00Z", "daemon"},
                      s.dir(), env);
    ASSERT_TRUE(eventually([&] { return accepted().size() >= 300; }, 20)) << s.read("kibaru.log");

    // The disk fills: dd writes until the tmpfs has no byte left (and fails, as it should).
    run_process({"dd", "if=/dev/zero", "of=disk/filler", "bs=64k"}, s.dir(), {});
    ASSERT_TRUE(eventually([&] { return healthz().find(" 503") != std::string::npos; }, 20))
        << healthz() << "\n"
        << s.read("kibaru.log");
    const auto reason = healthz();
    EXPECT_NE(reason.find("storage: "), std::string::npos) << reason;
    EXPECT_NE(reason.find("full"), std::string::npos) << reason;
    std::this_thread::sleep_for(std::chrono::milliseconds{500}); // requests already out land
    const auto asked_when_full = accepted().size();
    std::this_thread::sleep_for(std::chrono::seconds{3});
    EXPECT_EQ(accepted().size(), asked_when_full) << "nothing is claimed while the disk is full";
    EXPECT_LT(asked_when_full, static_cast<std::size_t>(k_producers));
    EXPECT_EQ(daemon.wait(0), -1) << "the daemon lives on";
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state IN ('failed', 'retrying', "
                  "'unknown', 'expired')"),
              "0");

    // Space comes back: sending resumes by itself, and finishes the week once.
    std::filesystem::remove(s.path("disk/filler"));
    ASSERT_TRUE(eventually([&] { return healthz() == "ok\n 200"; }, 20)) << s.read("kibaru.log");
    ASSERT_TRUE(eventually(
        [&] {
            return sql("SELECT count(*) FROM deliveries WHERE state = 'sent'") ==
                   std::to_string(k_producers);
        },
        60))
        << s.read("kibaru.log");
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
    const auto times = accepted();
    EXPECT_EQ(times.size(), static_cast<std::size_t>(k_producers));
    for (const auto& [to, n] : times) {
        ASSERT_EQ(n, 1) << to << " was sent the week " << n << " times";
    }
    const auto log = s.read("kibaru.log");
    EXPECT_NE(log.find("the database refuses writes"), std::string::npos);
    EXPECT_NE(log.find("the database takes writes again"), std::string::npos);
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'storage.recovered'"), "1");
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}
