// The refusal of an id or a phone that names nothing, the same words from every operation, with
// its reason as data (core/refusal.hpp) so that the console says it in French.
#pragma once

#include "ops/error.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kibaru::ops {

// The codes these refuse with; their args are in brackets.
inline constexpr std::array<std::string_view, 2> k_unknown_refusal_codes = {
    "campaign_unknown", // [id]
    "contact_unknown",  // [phone in E.164]
};

inline Error unknown_campaign(std::int64_t id) {
    return with_why(
        not_found("no campaign has id " + std::to_string(id) + " (see: kibaru campaign list)"),
        {"campaign_unknown", {std::to_string(id)}});
}

inline Error unknown_contact(const std::string& e164) {
    return with_why(not_found("no contact has phone " + e164), {"contact_unknown", {e164}});
}

} // namespace kibaru::ops
