// Saving a weekly message: every check that must pass before a message is stored, so nothing is
// discovered at send time — the week is in the campaign, the language is configured, every
// placeholder is known, the text is valid in [sms] encoding, and the message rendered for each
// contact of the audience fits in [sms] max_segments.
#pragma once

#include "core/campaign.hpp"
#include "core/config.hpp"
#include "core/sms.hpp"
#include "ops/error.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kibaru::store {
class CampaignsRepo;
struct ContactRow;
} // namespace kibaru::store

namespace kibaru::ops {

struct MessageShape {
    core::SmsEncoding encoding = core::SmsEncoding::gsm7; // ucs2 if any contact's text needs it
    int segments = 1;                                     // the most any contact's text needs
    std::int64_t audience = 0;                            // contacts measured
    std::int64_t total_segments = 0;                      // summed over the audience
};

// The codes check_message refuses a text with (the error's `why`; its args in brackets). A
// "_for" code names the contact whose rendered text failed: its phone is the last arg.
inline constexpr std::array<std::string_view, 8> k_message_refusal_codes = {
    "msg_empty",                 //
    "msg_lone_brace",            // [position]
    "msg_bad_placeholder",       // [position]
    "msg_unknown_placeholder",   // [name]
    "msg_no_gsm7",               // [character]
    "msg_no_gsm7_for",           // [character, phone]
    "msg_too_many_segments",     // [segments, encoding, max_segments]
    "msg_too_many_segments_for", // [segments, encoding, max_segments, phone]
};

// Measures `text` rendered for every audience contact of `language` (or, with no audience, for a
// contact with empty fields). Fails naming the week, language and reason.
// The error's field: "week", "language", or "text".
Result<MessageShape> check_message(store::CampaignsRepo& repo, const core::Config& config,
                                   const core::Campaign& campaign, int week,
                                   const std::string& language, const std::string& text);

// The languages a campaign's messages are written in: its language filter, else the configured
// languages.
std::vector<std::string> campaign_languages(const core::Config& config,
                                            const core::Campaign& campaign);

} // namespace kibaru::ops
