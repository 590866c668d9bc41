#include "core/lockout.hpp"

#include <algorithm>

namespace kibaru::core {

std::optional<Instant> locked_until(std::vector<Instant> failures, Instant now,
                                    const LockoutRule& rule) {
    if (rule.failures < 1) {
        return std::nullopt;
    }
    std::sort(failures.begin(), failures.end());
    const auto n = static_cast<std::size_t>(rule.failures);
    std::optional<Instant> until;
    for (std::size_t last = n - 1; last < failures.size(); ++last) {
        if (failures[last] - failures[last + 1 - n] <= rule.within) {
            const Instant ends = failures[last] + rule.lasts;
            until = until ? std::max(*until, ends) : ends;
        }
    }
    return until && *until > now ? until : std::nullopt;
}

} // namespace kibaru::core
