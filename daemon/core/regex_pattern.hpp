// A regular expression written in the configuration (the generic gateway's message_id_regex),
// checked before std::regex sees it. libstdc++'s regex compiler reads a repeat count or a
// back-reference number into a long without a bound (a{99999999999999999999} overflows it:
// undefined behaviour, found by fuzz_config) and recurses once per term, so a long pattern can
// exhaust the stack; neither is a regex_error to catch. The same recursion bounds the text
// searched.
#pragma once

#include <string>
#include <string_view>

namespace kibaru::core {

// Longest pattern accepted: a message id's pattern is a few dozen characters.
inline constexpr std::size_t k_regex_pattern_max_length = 256;

// Longest text searched with such a pattern. libstdc++ matches by recursing once per character
// a pattern like (.*) takes, some 250 bytes of stack each at -O2 (32 KiB of text overflowed an
// 8 MiB stack; more under the sanitizers): a gateway's 64 KiB reply would crash the daemon. A
// message id comes near the start of a short reply.
inline constexpr std::size_t k_regex_subject_max_length = 4096;

// Why the pattern cannot be used, in words for the configuration's error, or "" when it
// compiles as an ECMAScript regular expression within the bounds above (repeat counts of at most
// 4 digits, back-references of at most 2).
std::string regex_pattern_problem(std::string_view pattern);

} // namespace kibaru::core
