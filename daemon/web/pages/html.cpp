#include "web/pages/html.hpp"

namespace kibaru::web::html {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

std::string open(std::string_view name, const Attributes& attributes) {
    std::string out = "<";
    out += name;
    for (const auto& [key, value] : attributes) {
        out += ' ';
        out += key;
        out += "=\"";
        out += escape(value);
        out += '"';
    }
    out += '>';
    return out;
}

} // namespace

Html tag(std::string_view name, const Attributes& attributes, const Html& children) {
    std::string markup = open(name, attributes);
    markup += children.str();
    markup += "</";
    markup += name;
    markup += '>';
    return Html::trusted(markup);
}

Html void_tag(std::string_view name, const Attributes& attributes) {
    return Html::trusted(open(name, attributes));
}

Html join(std::initializer_list<Html> parts) {
    Html out;
    for (const auto& part : parts) {
        out += part;
    }
    return out;
}

} // namespace kibaru::web::html
