#include "core/message_template.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>

namespace kibaru::core {

namespace {

bool is_name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

std::string escape_braces(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        out.push_back(c);
        if (c == '{' || c == '}') {
            out.push_back(c);
        }
    }
    return out;
}

} // namespace

bool is_message_placeholder(std::string_view name) {
    return std::find(k_contact_placeholders.begin(), k_contact_placeholders.end(), name) !=
               k_contact_placeholders.end() ||
           std::find(k_campaign_placeholders.begin(), k_campaign_placeholders.end(), name) !=
               k_campaign_placeholders.end();
}

Result<std::vector<std::string>> template_placeholders(std::string_view text) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                ++i;
                continue;
            }
            return Error{"a lone '}' at character " + std::to_string(i + 1) +
                         " (write '}}' for a literal brace)"};
        }
        if (c != '{') {
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '{') {
            ++i;
            continue;
        }
        const auto close = text.find('}', i);
        const std::string_view name = close == std::string_view::npos
                                          ? text.substr(i + 1)
                                          : text.substr(i + 1, close - i - 1);
        bool ok = close != std::string_view::npos && !name.empty();
        for (std::size_t k = 0; ok && k < name.size(); ++k) {
            ok = is_name_char(name[k], k == 0);
        }
        if (!ok) {
            return Error{"a malformed placeholder at character " + std::to_string(i + 1) +
                         " (placeholders look like {name}; write '{{' for a literal brace)"};
        }
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.emplace_back(name);
        }
        i = close;
    }
    return names;
}

std::string render_template(std::string_view text, const TemplateValues& values) {
    const auto placeholders = template_placeholders(text);
    if (!placeholders) {
        return std::string(text);
    }
    const std::vector<std::string>& names = *placeholders; // fmt::arg keeps pointers to these
    auto value_of = [&](const std::string& name) -> const std::string* {
        const auto given = std::find_if(values.begin(), values.end(),
                                        [&](const auto& v) { return v.first == name; });
        return given == values.end() ? nullptr : &given->second;
    };
    // A placeholder without a value is kept for a later stage, so the result is a template
    // again and the values' own braces must then be escaped.
    const bool complete = std::all_of(names.begin(), names.end(),
                                      [&](const std::string& name) { return value_of(name); });
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    for (const auto& name : names) {
        const std::string* value = value_of(name);
        args.push_back(fmt::arg(name.c_str(), !value     ? "{" + name + "}"
                                              : complete ? *value
                                                         : escape_braces(*value)));
    }
    return fmt::vformat(fmt::string_view(text.data(), text.size()), args);
}

} // namespace kibaru::core
