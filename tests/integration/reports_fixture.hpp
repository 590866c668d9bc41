// A campaign run through the fault-injecting gateway, shared by the report and workbook tests:
// 12 contacts, 4 weeks; week 1 sent with faults, retries and one rejected number (failed), week
// 2 with an opt-out first, week 3 skipped by the daemon (expired), week 4 without a message.
#pragma once

#include "../cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace kibaru::test {

class ReportsFixture : public ::testing::Test {
protected:
    void SetUp() override {
        // The fake gateway draws its seeded faults in the order requests arrive; one request in
        // flight keeps that order, and so which deliveries meet which faults, the same on every
        // run (with 16, a slow ASan run once gave a second delivery three faults in a row).
        gateway = start_fake_gateway(
            s.dir(), {"--p500", "0.2", "--p429", "0.1", "--seed", "5", "--reject", "+22376001003"});
        s.write("k.toml",
                "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                    "/mix/cgi-bin/sendsms\"\nrate_per_second = 0\nmax_attempts = 3\n"
                    "max_in_flight = 1\nbackoff_initial_ms = 1000\n[log]\nfile = \"kibaru.log\"\n");
        std::string csv = "phone,name,commodities,language\n";
        for (int i = 1; i <= 12; ++i) {
            csv += "7600" + std::to_string(1000 + i) + ",P" + std::to_string(i) + ",sesame," +
                   (i % 3 ? "fr" : "bm") + "\n";
        }
        s.write("c.csv", csv);
        ASSERT_EQ(k({"contacts", "import", "c.csv"}).exit_code, 0);
        ASSERT_EQ(k({"campaign", "create", "--name", "s", "--commodity", "sesame", "--start",
                     "2019-01-07", "--weeks", "4"})
                      .exit_code,
                  0);
        s.write("m.csv", "week,language,text\n1,fr,S1\n2,fr,S2\n3,fr,S3\n1,bm,D1\n2,bm,D2\n");
        ASSERT_EQ(k({"messages", "import", "1", "m.csv"}).exit_code, 0);
        // Week 1 with faults and retries; week 2 with an opt-out first; week 3 skipped by the
        // daemon (expired); week 4 has no message (pending until it closes).
        for (const char* now : {"2019-01-08T09:00:00Z", "2019-01-08T09:05:00Z",
                                "2019-01-08T09:10:00Z", "2019-01-08T09:20:00Z"}) {
            k({"--now", now, "run-once"});
        }
        ASSERT_EQ(k({"contacts", "optout", "76001005"}).exit_code, 0);
        for (const char* now :
             {"2019-01-15T09:00:00Z", "2019-01-15T09:05:00Z", "2019-01-15T09:10:00Z",
              "2019-01-29T09:00:00Z", "2019-02-06T09:00:00Z"}) {
            k({"--now", now, "run-once"});
        }
    }
    RunResult k(std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", "k.toml"});
        return s.kibaru(args);
    }
    // `report campaign 1 --check` after `sql` edits the database behind kibaru's back: it must
    // exit 4 (violations found); returns them.
    nlohmann::json violations_after(const std::string& sql) {
        EXPECT_EQ(s.sql(sql).exit_code, 0) << sql;
        const auto broken = k({"report", "campaign", "1", "--check", "--format", "json"});
        EXPECT_EQ(broken.exit_code, 4) << broken.out << broken.err;
        return nlohmann::json::parse(broken.out);
    }
    Scratch s;
    FakeGateway gateway;
};

} // namespace kibaru::test
