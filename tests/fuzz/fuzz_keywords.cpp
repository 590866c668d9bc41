// Incoming SMS keywords on arbitrary bytes, as any phone may send them. Properties: reading never
// crashes or throws; every word it returns is valid UTF-8, one space apart, without empty words;
// a commodity is one of the configured names and comes with the word that named it; reading the
// same text twice gives the same request; one-typo matching is reflexive and symmetric; a name
// matched is one of those known.
#include "core/keywords.hpp"
#include "core/utf8.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace kibaru::core;

namespace {

bool same(const SmsRequest& a, const SmsRequest& b) {
    return a.intent == b.intent && a.keyword == b.keyword && a.commodity == b.commodity &&
           a.commodity_word == b.commodity_word && a.market == b.market && a.rest == b.rest;
}

// Valid UTF-8 words joined by single spaces: no space at either end, none doubled.
bool well_joined(const std::string& words) {
    return is_valid_utf8(words) && !words.starts_with(' ') && !words.ends_with(' ') &&
           words.find("  ") == std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const KeywordsConfig keywords;
    const InboundConfig inbound;

    const SmsRequest request = parse_sms_request(text, keywords, inbound);
    FUZZ_CHECK(is_valid_utf8(request.keyword));
    FUZZ_CHECK(is_valid_utf8(request.commodity_word));
    FUZZ_CHECK(well_joined(request.market));
    FUZZ_CHECK(well_joined(request.rest));
    FUZZ_CHECK(request.keyword.find(' ') == std::string::npos);
    FUZZ_CHECK(!request.keyword.empty() || request.intent == Intent::none);
    FUZZ_CHECK(!intent_name(request.intent).empty());
    if (request.commodity.empty()) {
        FUZZ_CHECK(request.commodity_word.empty() && request.market.empty());
    } else {
        bool configured = false;
        for (const auto& [name, words] : keywords.commodity_words) {
            configured = configured || name == request.commodity;
        }
        FUZZ_CHECK(configured);
        FUZZ_CHECK(!request.commodity_word.empty());
        FUZZ_CHECK(request.rest.empty());
        FUZZ_CHECK(request.intent == Intent::price || request.intent == Intent::subscribe ||
                   request.intent == Intent::unsubscribe);
    }
    FUZZ_CHECK(same(request, parse_sms_request(text, keywords, inbound)));

    FUZZ_CHECK(within_one_typo(text, text));
    FUZZ_CHECK(within_one_typo(request.keyword, request.keyword));
    const std::string_view half1 = std::string_view(text).substr(0, size / 2);
    const std::string_view half2 = std::string_view(text).substr(size / 2);
    FUZZ_CHECK(within_one_typo(half1, half2) == within_one_typo(half2, half1));

    const std::vector<std::string> known = {"Ségou", "Kita",         "Kati",
                                            "San",   "Bamako Koura", std::string(half1)};
    const std::string name = match_name(text, known);
    bool is_known = name.empty();
    for (const auto& k : known) {
        is_known = is_known || name == k;
    }
    FUZZ_CHECK(is_known);
    return 0;
}
