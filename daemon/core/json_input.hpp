// JSON from outside — a callback's or the API's request body, a gateway's reply, an audit
// entry's details (whoever holds the database file can rewrite them) — parsed with a bound on
// its nesting. nlohmann's parser itself keeps its own stack, but copying, dumping or walking the
// value recurses once per level: a 64 KiB body of '[' is 65,536 levels, and a walk that deep
// overflows the stack before any token is checked.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace kibaru::core {

// Deepest nesting of arrays and objects accepted; none of Kibaru's inputs needs more than a few.
inline constexpr int k_json_max_depth = 64;

// The parsed value, or a discarded one (is_discarded()) when the text is not JSON or nests
// deeper than k_json_max_depth.
nlohmann::json parse_outside_json(std::string_view text);

} // namespace kibaru::core
