// A database ready to send week 1 of a sesame campaign to `producers` producers (76000001 on),
// for engine tests: run the engine at k_week_one (09:00 on the opening day) and week 1 opens.
#pragma once

#include "engine/engine.hpp"
#include "ops/campaigns.hpp"
#include "ops/contact_import.hpp"
#include "ops/messages.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace kibaru::test {

inline const engine::Millis k_week_one = std::chrono::time_point_cast<std::chrono::milliseconds>(
    *core::parse_instant("2019-01-08T09:00:00Z"));

inline void seed_sesame_week(const ops::Env& env, int producers) {
    class Quiet final : public ops::ImportListener {
    public:
        void problem(const ops::ImportProblem&) override {}
    } quiet;
    std::ostringstream csv;
    csv << "phone,name,commodities,language\n";
    for (int i = 1; i <= producers; ++i) {
        csv << 76000000 + i << ",Producer " << i << ",sesame,fr\n";
    }
    std::istringstream in(csv.str());
    ASSERT_TRUE(ops::import_contacts(env, in, "producers.csv", {}, quiet));
    core::Campaign c;
    c.name = "Sésame";
    c.commodity = "sesame";
    c.start_date = "2019-01-07"; // week 1 opens Tuesday 8 January, 08:00 in Bamako (UTC)
    ASSERT_TRUE(ops::create_campaign(env, c));
    ASSERT_TRUE(ops::save_messages(env, 1, {{"t", 1, "fr", "Prix du sesame: 500 FCFA/kg"}}, "t"));
}

} // namespace kibaru::test
