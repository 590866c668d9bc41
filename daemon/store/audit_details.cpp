#include "store/audit_details.hpp"

#include "core/json_number.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::store {

namespace {
// The field `key` of `details`, or nullptr when details is no object or has no such field.
const nlohmann::json* field(const nlohmann::json& details, const char* key) {
    if (!details.is_object()) {
        return nullptr;
    }
    const auto found = details.find(key);
    return found == details.end() ? nullptr : &*found;
}
} // namespace

std::optional<std::int64_t> detail_int(const nlohmann::json& details, const char* key) {
    const auto* value = field(details, key);
    return value ? core::json_whole_number(*value) : std::nullopt;
}

std::optional<std::string> detail_text(const nlohmann::json& details, const char* key) {
    const auto* value = field(details, key);
    if (!value || !value->is_string()) {
        return std::nullopt;
    }
    return value->get<std::string>();
}

} // namespace kibaru::store
