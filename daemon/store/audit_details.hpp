// Reading an audit entry's JSON details without trusting their types. A chain that verifies may
// still hold details written by hand (whoever holds the file can rewrite an entry and re-hash
// the chain after it; only the witnesses' checkpoints catch that), and nlohmann's get() and
// value() throw on a type mismatch: `audit verify` would stop on an exception instead of naming
// the entry, and the daemon would end inside a transaction.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace kibaru::store {

// The field's value when `details` is an object holding `key` as a whole number, else nothing.
std::optional<std::int64_t> detail_int(const nlohmann::json& details, const char* key);
// The field's value when `details` is an object holding `key` as a string, else nothing.
std::optional<std::string> detail_text(const nlohmann::json& details, const char* key);

} // namespace kibaru::store
