#include "store/audit_details.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace kibaru::store {

std::optional<std::int64_t> detail_int(const nlohmann::json& details, const char* key) {
    if (!details.is_object()) {
        return std::nullopt;
    }
    const auto field = details.find(key);
    if (field == details.end() || !field->is_number_integer()) {
        return std::nullopt;
    }
    // The parser reads a non-negative number as unsigned: one beyond int64 is no count of ours.
    if (field->is_number_unsigned() &&
        field->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        return std::nullopt;
    }
    return field->get<std::int64_t>();
}

std::optional<std::string> detail_text(const nlohmann::json& details, const char* key) {
    if (!details.is_object()) {
        return std::nullopt;
    }
    const auto field = details.find(key);
    if (field == details.end() || !field->is_string()) {
        return std::nullopt;
    }
    return field->get<std::string>();
}

} // namespace kibaru::store
