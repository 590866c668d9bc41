#include "core/message_template.hpp"

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

Result<std::vector<std::string>> template_placeholders(std::string_view text, Refusal* why) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                ++i;
                continue;
            }
            return refuse(why, "msg_lone_brace",
                          "a lone '}' at character " + std::to_string(i + 1) +
                              " (write '}}' for a literal brace)",
                          {std::to_string(i + 1)});
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
            return refuse(why, "msg_bad_placeholder",
                          "a malformed placeholder at character " + std::to_string(i + 1) +
                              " (placeholders look like {name}; write '{{' for a literal brace)",
                          {std::to_string(i + 1)});
        }
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.emplace_back(name);
        }
        i = close;
    }
    return names;
}

namespace {

enum class Stage { fill, final };

std::string render(std::string_view text, const TemplateValues& values, Stage stage) {
    if (!template_placeholders(text)) {
        return std::string(text);
    }
    const bool final = stage == Stage::final;
    std::string out;
    out.reserve(text.size() + 64);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out.push_back(c); // a literal brace, doubled while the result is a template
            if (!final) {
                out.push_back(c);
            }
            ++i;
            continue;
        }
        if (c != '{') {
            out.push_back(c);
            continue;
        }
        const std::size_t close = text.find('}', i); // present: the text passed the check
        const std::string_view name = text.substr(i + 1, close - i - 1);
        const auto given = std::find_if(values.begin(), values.end(),
                                        [&](const auto& v) { return v.first == name; });
        if (given == values.end()) {
            out.append(text.substr(i, close - i + 1));
        } else if (final) {
            out += given->second;
        } else {
            out += escape_braces(given->second);
        }
        i = close;
    }
    return out;
}

} // namespace

std::string fill_template(std::string_view text, const TemplateValues& values) {
    return render(text, values, Stage::fill);
}

std::string render_template(std::string_view text, const TemplateValues& values) {
    return render(text, values, Stage::final);
}

} // namespace kibaru::core
