// A refusal as data, beside its English message: for a page that explains it in another
// language (the console's French), `code` names the reason and `args` are the values its
// sentence names, in order. The codes of each refusing function are listed beside it
// (k_phone_refusal_codes, k_row_reject_codes), so that a test can find every one translated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

struct Refusal {
    std::string_view code = {}; // empty: no code, show the English message
    std::vector<std::string> args = {};
};

} // namespace kibaru::core
