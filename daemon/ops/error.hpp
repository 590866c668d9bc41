// What an operation answers when it cannot do what was asked, with a kind that each front end
// turns into its own words: the CLI into an exit code, the API into an HTTP status. Unexpected
// failures (a broken database) stay exceptions.
#pragma once

#include "core/refusal.hpp"
#include "core/result.hpp"

#include <string>
#include <utility>

namespace kibaru::ops {

enum class ErrorKind {
    invalid,     // a value is wrong (CLI exit 2, HTTP 422); `field` names it when one is
    malformed,   // a file or body cannot be read at all (CLI exit 1, HTTP 400)
    not_found,   // what it names does not exist (CLI exit 1, HTTP 404)
    conflict,    // not possible in the current state (CLI exit 2, HTTP 409)
    forbidden,   // the actor's role does not allow it (CLI exit 1, HTTP 403)
    too_many,    // refused for a while (CLI exit 1, HTTP 429)
    unauthorized // no valid credentials (CLI exit 1, HTTP 401)
};

struct Error {
    ErrorKind kind = ErrorKind::invalid;
    std::string message;
    std::string field;                    // the field or option at fault, when one is
    std::int64_t retry_after_seconds = 0; // too_many: when to try again, when known
    core::Refusal why = {}; // the reason as data, for the console's French, when it has a code
};

// `error` with its reason as data too (core/refusal.hpp), for the console to say it in French.
inline Error with_why(Error error, core::Refusal why) {
    error.why = std::move(why);
    return error;
}

inline Error invalid(std::string message, std::string field = "") {
    return {ErrorKind::invalid, std::move(message), std::move(field)};
}
inline Error not_found(std::string message) {
    return {ErrorKind::not_found, std::move(message), ""};
}
inline Error conflict(std::string message) {
    return {ErrorKind::conflict, std::move(message), ""};
}

// A value, or the Error that prevented it.
template <typename T>
using Result = core::BasicResult<T, Error>;

struct Done {}; // the value of an operation that returns nothing but may fail

} // namespace kibaru::ops
