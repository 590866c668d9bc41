#include "util/mask.hpp"

namespace kibaru::util {

std::string mask_phones(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '+') {
            out.push_back(text[i++]);
            continue;
        }
        std::size_t end = i + 1;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
            ++end;
        }
        const std::size_t digits = end - i - 1;
        if (digits < 8 || digits > 15) {
            out.append(text.substr(i, end - i));
            i = end;
            continue;
        }
        // Keep the country code and operator prefix, hide four digits, keep the last two.
        const std::size_t keep_front = digits - 6;
        out.push_back('+');
        out.append(text.substr(i + 1, keep_front));
        out.append("****");
        out.append(text.substr(end - 2, 2));
        i = end;
    }
    return out;
}

} // namespace kibaru::util
