// A 21-week campaign whose weekly audit checkpoints are texted to a witness through the
// fault-injecting gateway (one request in five answered 500, retried), each week sent by a
// run-once on its Wednesday; then an insider rewrites one delivery's history in the file
// (tests/integration/insider_rewrite.py: the event edited, its seal and every later hash
// recomputed, the head moved). `audit verify` alone passes, as a chain alone must; fed with
// what the witness's phone received, it exits 4 naming a checkpoint, as does the auditor's
// own scripts/verify-audit.py.
#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

using kibaru::test::run_process;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;

namespace {

constexpr int k_weeks = 21;
const std::string k_witness = "+22376999999";

} // namespace

TEST(Witness, a_rewrite_after_21_witnessed_weeks_passes_verify_alone_and_fails_against_the_phone) {
    Scratch s;
    auto gateway = start_fake_gateway(
        s.dir(), {"--p500", "0.2", "--seed", "19", "--record-texts", "texts.txt"});
    s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                          "/mix/cgi-bin/sendsms\"\nrate_per_second = 0\nmax_in_flight = 1\n"
                          "[audit]\nwitnesses = [\"" +
                          k_witness +
                          "\"]\ncheckpoint_every = \"week\"\n[log]\nfile = \"kibaru.log\"\n");
    auto k = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml"});
        return s.kibaru(args, {"KIBARU_CONFIG="});
    };
    std::string csv = "phone,name,commodities\n";
    for (int i = 1; i <= 20; ++i) {
        csv += std::to_string(76100000 + i) + ",P" + std::to_string(i) + ",sesame\n";
    }
    s.write("c.csv", csv);
    ASSERT_EQ(k({"contacts", "import", "c.csv"}).exit_code, 0);
    ASSERT_EQ(k({"campaign", "create", "--name", "Sesame", "--commodity", "sesame", "--start",
                 "2019-01-07", "--weeks", std::to_string(k_weeks)})
                  .exit_code,
              0);
    for (int w = 1; w <= k_weeks; ++w) {
        ASSERT_EQ(k({"messages", "set", "1", "--week", std::to_string(w), "--text",
                     "Sesame S" + std::to_string(w) + ": 650 FCFA/kg"})
                      .exit_code,
                  0);
    }
    // Each week on its Wednesday (closing the week before, which texts its checkpoint), then
    // the days after the campaign: the last week closes, and retries go out.
    for (int w = 0; w <= k_weeks + 2; ++w) {
        const int days = w <= k_weeks ? 7 * w : 7 * k_weeks + (w - k_weeks);
        const auto run =
            k({"--now", kibaru::test::date_plus("2019-01-09", days) + "T09:00:00Z", "run-once"});
        ASSERT_EQ(run.exit_code, 0) << run.err;
    }

    // What the witness's phone shows, copied one per line as the README tells witnesses.
    std::istringstream texts(s.read("texts.txt"));
    std::string line;
    std::string witness_file;
    int received = 0;
    while (std::getline(texts, line)) {
        if (line.rfind(k_witness + " ", 0) == 0) {
            witness_file += line.substr(k_witness.size() + 1) + "\n";
            ++received;
        }
    }
    EXPECT_EQ(received, k_weeks) << "one checkpoint per closed week, each once:\n" << witness_file;
    EXPECT_NE(s.sql("SELECT count(*) FROM replies WHERE kind = 'checkpoint' AND attempts > 1").out,
              "0\n")
        << "the gateway's 500s met some checkpoints, which were sent again";
    const std::regex sms(R"(KIBARU AUDIT (\d+) [0-9a-f]{16} prev (\d+))");
    // A retried checkpoint arrives after a later one: the witness orders them by seq.
    std::map<int, int> prev_of; // seq -> the seq the SMS names as the one before
    std::istringstream lines(witness_file);
    while (std::getline(lines, line)) {
        std::smatch m;
        if (std::regex_search(line, m, sms)) {
            prev_of[std::stoi(m[1])] = std::stoi(m[2]);
        }
    }
    int previous = 0;
    int chained = 0;
    for (const auto& [seq, prev] : prev_of) {
        chained += prev == previous ? 1 : 0;
        previous = seq;
    }
    EXPECT_EQ(chained, k_weeks) << "each checkpoint names the one before:\n" << witness_file;
    s.write("witness.txt", witness_file);
    ASSERT_EQ(k({"audit", "verify", "--checkpoints", "witness.txt"}).exit_code, 0)
        << "an honest log matches every checkpoint witnessed";

    // The insider: a delivery of week 3 was sent; the file now says it failed.
    auto victim = s.sql("SELECT min(d.id) FROM deliveries d JOIN delivery_events e ON "
                        "e.delivery_id = d.id WHERE d.week = 3 AND e.state = 'sent'")
                      .out;
    victim.pop_back();
    const auto rewrite = run_process(
        {"python3", std::string(KIBARU_SOURCE_DIR) + "/tests/integration/insider_rewrite.py",
         "kibaru.db", victim},
        s.dir(), {});
    ASSERT_EQ(rewrite.exit_code, 0) << rewrite.err;
    EXPECT_EQ(s.sql("SELECT state FROM deliveries WHERE id = " + victim).out, "failed\n");
    const auto alone = k({"audit", "verify"});
    EXPECT_EQ(alone.exit_code, 0) << "a chain alone cannot tell: " << alone.out;
    const auto caught = k({"audit", "verify", "--checkpoints", "witness.txt"});
    EXPECT_EQ(caught.exit_code, 4) << caught.out << caught.err;
    EXPECT_NE(caught.out.find("rewritten after it was witnessed"), std::string::npos) << caught.out;
    const auto python =
        run_process({"python3", std::string(KIBARU_SOURCE_DIR) + "/scripts/verify-audit.py",
                     "kibaru.db", "--checkpoints", "witness.txt"},
                    s.dir(), {});
    EXPECT_EQ(python.exit_code, 4) << python.out << python.err;
}
