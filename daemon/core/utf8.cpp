#include "core/utf8.hpp"

namespace kibaru::core {

namespace {

// Length of the well-formed sequence starting at s[i], or 0 when none starts there.
std::size_t sequence_length(const unsigned char* s, std::size_t i, std::size_t n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
        return 1;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > n) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return 0;
    }
    return len;
}

} // namespace

bool is_valid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = sequence_length(s, i, text.size());
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

std::string to_valid_utf8(std::string text) {
    if (is_valid_utf8(text)) {
        return text; // the usual case, per message: no copy
    }
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = sequence_length(s, i, text.size());
        if (len == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD for the one byte that starts nothing
            ++i;
        } else {
            out.append(text, i, len);
            i += len;
        }
    }
    return out;
}

char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    int length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = length == 1   ? c
                  : length == 2 ? (c & 0x1F)
                  : length == 3 ? (c & 0x0F)
                                : (c & 0x07);
    for (int k = 1; k < length && i + static_cast<std::size_t>(k) < s.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    }
    i += static_cast<std::size_t>(length);
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++count;
        }
    }
    return count;
}

std::string utf8_prefix(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (chars == max_chars) {
                return std::string(text.substr(0, i)) + "…";
            }
            ++chars;
        }
    }
    return std::string(text);
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view trim(std::string_view text) {
    auto is_space_at_front = [&](std::size_t& width) {
        if (text.empty()) {
            return false;
        }
        const char c = text.front();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            width = 1;
            return true;
        }
        if (text.size() >= 2 && text.substr(0, 2) == "\xC2\xA0") {
            width = 2;
            return true;
        }
        return false;
    };
    auto is_space_at_back = [&](std::size_t& width) {
        if (text.empty()) {
            return false;
        }
        const char c = text.back();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            width = 1;
            return true;
        }
        if (text.size() >= 2 && text.substr(text.size() - 2) == "\xC2\xA0") {
            width = 2;
            return true;
        }
        return false;
    };
    std::size_t w = 0;
    while (is_space_at_front(w)) {
        text.remove_prefix(w);
    }
    while (is_space_at_back(w)) {
        text.remove_suffix(w);
    }
    return text;
}

std::string windows1252_to_utf8(std::string_view text) {
    // 0x80-0x9F: Windows-1252's own characters (€, typographic quotes, Œ...); 0xA0-0xFF are
    // Latin-1's, the code points of the same number.
    static constexpr char32_t k_c1[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (byte < 0x80) {
            out.push_back(ch);
        } else {
            append_utf8(out, byte < 0xA0 ? k_c1[byte - 0x80] : char32_t{byte});
        }
    }
    return out;
}

} // namespace kibaru::core
