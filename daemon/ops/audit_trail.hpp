// The one way operations write the audit log: the entry carries the Env's actor and instant,
// inside the operation's own transaction, so an entry exists exactly when its change does.
// Details are a JSON object written with sorted keys, as every entry before them.
#pragma once

#include "ops/env.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace kibaru::ops {

// Appends `action` on `subject` with `details` (a JSON object). Call inside a Transaction.
void record(const Env& env, const std::string& action, const std::string& subject,
            const nlohmann::json& details);
// The same with the details' keys in the order given (a campaign as its JSON reads).
void record_in_order(const Env& env, const std::string& action, const std::string& subject,
                     const nlohmann::ordered_json& details);

} // namespace kibaru::ops
