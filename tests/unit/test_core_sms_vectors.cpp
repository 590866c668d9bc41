// The shared SMS test vectors (tests/vectors/sms.json) against core/sms.cpp: the browser
// journeys hold the console's live counter to the same file.
#include "core/sms.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace kibaru::core;

TEST(CoreSmsVectors, the_daemon_counts_every_shared_vector_as_expected) {
    std::ifstream in(std::string(KIBARU_SOURCE_DIR) + "/tests/vectors/sms.json");
    ASSERT_TRUE(in) << "tests/vectors/sms.json";
    const auto vectors = nlohmann::json::parse(in);
    ASSERT_GE(vectors.size(), 10u);
    for (const auto& v : vectors) {
        SCOPED_TRACE(v["name"].get<std::string>());
        const auto sms = prepare_sms(v["text"].get<std::string>(),
                                     *parse_encoding_mode(v["mode"].get<std::string>()));
        ASSERT_TRUE(sms);
        EXPECT_EQ(sms->text, v["sent"].get<std::string>());
        EXPECT_EQ(encoding_name(sms->shape.encoding), v["encoding"].get<std::string>());
        EXPECT_EQ(sms->shape.units, v["units"].get<std::size_t>());
        EXPECT_EQ(sms->shape.segments, v["segments"].get<int>());
    }
}
