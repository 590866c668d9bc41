// A regular expression written in the configuration (the generic gateway's message_id_regex),
// checked before std::regex sees it. libstdc++'s regex compiler reads a repeat count or a
// back-reference number into a long without a bound (a{99999999999999999999} overflows it:
// undefined behaviour, found by fuzz_config) and recurses once per term, so a long pattern can
// exhaust the stack; neither is a regex_error to catch.
#pragma once

#include <string>
#include <string_view>

namespace kibaru::core {

// Longest pattern accepted: a message id's pattern is a few dozen characters.
inline constexpr std::size_t k_regex_pattern_max_length = 256;

// Why the pattern cannot be used, in words for the configuration's error, or "" when it
// compiles as an ECMAScript regular expression within the bounds above (repeat counts of at most
// 4 digits, back-references of at most 2).
std::string regex_pattern_problem(std::string_view pattern);

} // namespace kibaru::core
