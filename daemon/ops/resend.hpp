// Staff deciding, for one week, to send again the deliveries that are in doubt (`unknown`: the
// process stopped while their request was out) or that failed: they go back to the queue for one
// more attempt while the week is open, audited with who asked. A delivery is never resent after
// its week has closed: last week's prices are not this week's news.
#pragma once

#include "ops/env.hpp"
#include "ops/error.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kibaru::ops {

struct Resend {
    std::int64_t campaign_id = 0;
    int week = 0;
    std::string state;           // unknown or failed
    std::int64_t deliveries = 0; // queued again (or, in a dry run, that would be)
    bool dry_run = false;
};

// The codes its refusals carry as data (core/refusal.hpp), for the console's French; their args
// are in brackets.
inline constexpr std::array<std::string_view, 4> k_resend_refusal_codes = {
    "resend_bad_state",  // [state]
    "resend_cancelled",  // [campaign id]
    "resend_not_opened", // [campaign id, week]
    "resend_closed",     // [campaign id, week, closes at]
};

// invalid: a state other than unknown or failed; not_found: no such campaign; conflict: the
// week has not opened, has closed, or its closing time has passed.
Result<Resend> resend_deliveries(const Env& env, std::int64_t campaign_id, int week,
                                 const std::string& state, bool dry_run);

} // namespace kibaru::ops
