#include "core/json_input.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::core {

namespace {

// Brackets outside strings, counted before the parser builds anything.
bool nests_within(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i; // the escaped character, a quote among them
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return false;
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

} // namespace

nlohmann::json parse_outside_json(std::string_view text) {
    if (!nests_within(text, k_json_max_depth)) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    return nlohmann::json::parse(text, nullptr, false);
}

} // namespace kibaru::core
