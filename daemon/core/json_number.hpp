// A JSON value read as a whole number without trusting its type: what a gateway replies, an
// audit entry's details (whoever holds the file can rewrite them) and an API body all come from
// outside. nlohmann's get<int64_t>() casts whatever it is given (2^64 - 1 reads as -1), and its
// value() throws on a mismatch; this says nothing instead.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>

namespace kibaru::core {

// The value when it is a JSON integer within int64 (the parser reads a non-negative number as
// unsigned), else nothing: not for strings, fractions, booleans or numbers beyond.
std::optional<std::int64_t> json_whole_number(const nlohmann::json& value);

} // namespace kibaru::core
