// A refusal as data, beside its English message: for a page that explains it in another
// language (the console's French), `code` names the reason and `args` are the values its
// sentence names, in order. The codes of each refusing function are listed beside it
// (k_phone_refusal_codes, k_row_reject_codes), so that a test can find every one translated.
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

struct Refusal {
    std::string_view code = {}; // empty: no code, show the English message
    std::vector<std::string> args = {};
    // Further reasons given at once (a header with an unknown column and a repeated one), said
    // in turn after this one.
    std::vector<Refusal> also = {};
};

// The Error of English `message`, its reason told as data to `why` when the caller asked.
inline Error refuse(Refusal* why, std::string_view code, std::string message,
                    std::vector<std::string> args = {}) {
    if (why != nullptr) {
        *why = {code, std::move(args)};
    }
    return Error{std::move(message)};
}

} // namespace kibaru::core
