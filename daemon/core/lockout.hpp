// Sign-in lockout, as the contract words it: five failed sign-ins for one name or one address
// within 15 minutes answer 429 for 15 minutes. Pure: the failures come from the store.
#pragma once

#include "core/time.hpp"

#include <optional>
#include <vector>

namespace kibaru::core {

struct LockoutRule {
    int failures = 5;
    std::chrono::seconds within{std::chrono::minutes(15)};
    std::chrono::seconds lasts{std::chrono::minutes(15)};
};

// When the lock that `failures` (their instants, in any order) put in place ends, if it still
// holds at `now`: `rule.failures` of them within `rule.within` lock from the last of those for
// `rule.lasts` (not while failures keep coming: a lock ends on time). nullopt: not locked.
std::optional<Instant> locked_until(std::vector<Instant> failures, Instant now,
                                    const LockoutRule& rule = {});

} // namespace kibaru::core
