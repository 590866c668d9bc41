// HTML escaped by construction: an Html value is markup the program wrote; text from anywhere
// else (a producer's name, a message, a query parameter) becomes Html only through text() or
// an attribute, which escape it. Pages are built from these and nothing else, so a name such as
// `<script>` shows as what it is.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kibaru::web::html {

class Html {
public:
    Html() = default;
    const std::string& str() const { return m_markup; }
    bool empty() const { return m_markup.empty(); }
    Html& operator+=(const Html& more) {
        m_markup += more.m_markup;
        return *this;
    }
    friend Html operator+(Html a, const Html& b) { return a += b; }

    // Markup written in this program's source (a literal), never data.
    static Html trusted(std::string_view markup) {
        Html h;
        h.m_markup = markup;
        return h;
    }

private:
    std::string m_markup;
};

std::string escape(std::string_view text);

// Text, escaped.
inline Html text(std::string_view value) {
    return Html::trusted(escape(value));
}

using Attributes = std::vector<std::pair<std::string, std::string>>; // values escaped

// <name attributes>children</name>; attribute values are escaped, names are this program's.
Html tag(std::string_view name, const Attributes& attributes, const Html& children = {});
// <name attributes> with no closing tag (input, meta, link, br).
Html void_tag(std::string_view name, const Attributes& attributes);

// Children joined.
Html join(std::initializer_list<Html> parts);

} // namespace kibaru::web::html
