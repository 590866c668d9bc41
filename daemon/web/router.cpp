#include "web/router.hpp"

#include "core/callbacks.hpp"

namespace kibaru::web {

bool permits(Access access, ops::Role role) {
    switch (access) {
    case Access::anyone:
    case Access::signed_in:
        return true;
    case Access::staff:
        return ops::allowed(role, ops::Role::staff);
    case Access::admin:
        return ops::allowed(role, ops::Role::admin);
    }
    return false;
}

std::vector<std::string> path_segments(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string::npos ? path.size() : slash;
        segments.push_back(path.substr(start, end - start));
        if (slash == std::string::npos) {
            break;
        }
        start = slash + 1;
    }
    return segments;
}

bool match_pattern(const std::string& pattern, const std::string& path, Captures& captures) {
    const auto want = path_segments(pattern);
    const auto have = path_segments(path);
    if (want.size() != have.size()) {
        return false;
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
        const auto& w = want[i];
        if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
            if (have[i].empty()) {
                return false;
            }
            // '+' stays a plus in a path (a phone number such as +22376123456).
            captures[w.substr(1, w.size() - 2)] = core::url_decode(have[i], false);
            continue;
        }
        if (w != have[i]) {
            return false;
        }
    }
    return true;
}

} // namespace kibaru::web
