// An in-memory database at the current schema and an Env to call operations with, as a given
// actor at a given instant.
#pragma once

#include "ops/env.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace kibaru::test {

class OpsTest : public ::testing::Test {
protected:
    void SetUp() override {
        db = store::Database::open(":memory:");
        store::migrate(*db);
    }
    ops::Env env(const std::string& actor = "admin", ops::Role role = ops::Role::admin,
                 const std::string& at = "2019-01-08T09:00:00Z") {
        return ops::Env{*db, config, ops::Actor{actor, role}, *core::parse_instant(at)};
    }
    std::string sql(const std::string& query) {
        auto s = db->prepare(query);
        return s.step() ? s.column_text(0) : "";
    }

    std::unique_ptr<store::Database> db;
    core::Config config;
};

} // namespace kibaru::test
