#include "core/regex_pattern.hpp"

#include <regex>

namespace kibaru::core {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::size_t digit_run(std::string_view text, std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && is_digit(text[end])) {
        ++end;
    }
    return end - from;
}

// The number runs libstdc++ reads without a bound: after a backslash (a back-reference) and in
// a repeat's braces. Inside brackets a brace is a plain character; a backslash escapes there too.
std::string number_problem(std::string_view pattern) {
    bool in_brackets = false;
    bool in_braces = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            if (digit_run(pattern, i + 1) > 2) {
                return "has a back-reference number longer than 2 digits";
            }
            ++i;
        } else if (in_brackets) {
            in_brackets = c != ']';
        } else if (c == '[') {
            in_brackets = true;
        } else if (c == '{') {
            in_braces = true;
        } else if (c == '}') {
            in_braces = false;
        } else if (in_braces && is_digit(c) && (pattern[i - 1] == '{' || pattern[i - 1] == ',')) {
            if (digit_run(pattern, i) > 4) {
                return "has a repeat count longer than 4 digits";
            }
        }
    }
    return "";
}

} // namespace

std::string regex_pattern_problem(std::string_view pattern) {
    if (pattern.size() > k_regex_pattern_max_length) {
        return "is longer than " + std::to_string(k_regex_pattern_max_length) + " characters";
    }
    if (auto problem = number_problem(pattern); !problem.empty()) {
        return problem;
    }
    try {
        std::regex check(pattern.begin(), pattern.end());
        return "";
    } catch (const std::regex_error& e) {
        return std::string("is not a valid regular expression: ") + e.what();
    }
}

} // namespace kibaru::core
