#include "core/keywords.hpp"

#include "core/callbacks.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <utility>

namespace kibaru::core {

namespace {

// `text` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD. fold_keyword
// decodes without checking, so on a stray byte it would swallow the characters after it and could
// return invalid UTF-8; repaired first, it reads whole characters and yields valid words.
std::string repair_utf8(std::string_view text) {
    if (is_valid_utf8(text)) {
        return std::string(text);
    }
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        // The shortest well-formed prefix is the character at `i`: a lead byte alone is truncated.
        std::size_t length = 1;
        while (length <= 4 && !is_valid_utf8(text.substr(i, length))) {
            ++length;
        }
        if (length <= 4 && i + length <= text.size()) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            append_utf8(out, U'\uFFFD');
            ++i;
        }
    }
    return out;
}

std::string fold(std::string_view text) {
    return fold_keyword(repair_utf8(text));
}

// Letters, digits and anything not ASCII (Bambara letters fold_keyword keeps, emoji, U+FFFD) make
// words; ASCII punctuation and white space only separate them, as in match_keyword.
bool is_word_byte(char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80;
}

std::vector<std::string_view> split_words(std::string_view folded) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < folded.size()) {
        while (i < folded.size() && !is_word_byte(folded[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < folded.size() && is_word_byte(folded[i])) {
            ++i;
        }
        if (i > start) {
            words.push_back(folded.substr(start, i - start));
        }
    }
    return words;
}

std::string join_from(const std::vector<std::string_view>& words, std::size_t first) {
    std::string out;
    for (std::size_t i = first; i < words.size(); ++i) {
        if (!out.empty()) {
            out += ' ';
        }
        out += words[i];
    }
    return out;
}

bool listed(const std::vector<std::string>& keywords, std::string_view word) {
    return std::any_of(keywords.begin(), keywords.end(),
                       [&](const std::string& keyword) { return fold(keyword) == word; });
}

Intent intent_of(std::string_view word, const KeywordsConfig& keywords,
                 const InboundConfig& inbound) {
    // STOP first: a producer who wants no more messages must never be read as anything else,
    // whatever the other lists hold.
    const std::pair<const std::vector<std::string>*, Intent> order[] = {
        {&inbound.stop_keywords, Intent::stop},
        {&inbound.start_keywords, Intent::start},
        {&keywords.price, Intent::price},
        {&keywords.subscribe, Intent::subscribe},
        {&keywords.unsubscribe, Intent::unsubscribe},
        {&keywords.help, Intent::help}};
    for (const auto& [list, intent] : order) {
        if (listed(*list, word)) {
            return intent;
        }
    }
    return Intent::none;
}

bool takes_commodity(Intent intent) {
    return intent == Intent::price || intent == Intent::subscribe || intent == Intent::unsubscribe;
}

// The candidate a written word designates: any equal one beats every one a typo away, and two
// different candidates at the best level designate nothing (a guess could answer the wrong
// price or subscribe to the wrong commodity).
class Closest {
public:
    void offer(const std::string& candidate, bool exact) {
        Level& level = exact ? m_exact : m_typo;
        if (level.found == nullptr) {
            level.found = &candidate;
        } else if (*level.found != candidate) {
            level.tied = true;
        }
    }

    std::string result() const {
        const Level& level = m_exact.found != nullptr ? m_exact : m_typo;
        return level.found != nullptr && !level.tied ? *level.found : std::string();
    }

private:
    struct Level {
        const std::string* found = nullptr;
        bool tied = false;
    };
    Level m_exact;
    Level m_typo;
};

// The commodity `word` names (its canonical name; "" for none) and the word replies show for it
// (see SmsRequest::commodity_keyword). The canonical name itself counts as one of its words.
std::pair<std::string, std::string> find_commodity(std::string_view word,
                                                   const KeywordsConfig& keywords) {
    Closest closest;
    for (const auto& entry : keywords.commodity_words) {
        const std::string& name = entry.first; // (clang: no structured binding in a lambda)
        auto consider = [&](const std::string& written) {
            const std::string folded = fold(written);
            if (folded == word) {
                closest.offer(name, true);
            } else if (within_one_typo(folded, word)) {
                closest.offer(name, false);
            }
        };
        consider(name);
        std::for_each(entry.second.begin(), entry.second.end(), consider);
    }
    const auto name = closest.result();
    if (name.empty()) {
        return {};
    }
    const auto& words =
        std::find_if(keywords.commodity_words.begin(), keywords.commodity_words.end(),
                     [&](const auto& entry) { return entry.first == name; })
            ->second;
    if (listed(words, word)) {
        return {name, std::string(word)};
    }
    return {name, words.empty() ? fold(name) : fold(words.front())};
}

} // namespace

std::string_view intent_name(Intent intent) {
    switch (intent) {
    case Intent::none:
        return "none";
    case Intent::price:
        return "price";
    case Intent::subscribe:
        return "subscribe";
    case Intent::unsubscribe:
        return "unsubscribe";
    case Intent::help:
        return "help";
    case Intent::stop:
        return "stop";
    case Intent::start:
        return "start";
    }
    return "none";
}

SmsRequest parse_sms_request(std::string_view text, const KeywordsConfig& keywords,
                             const InboundConfig& inbound) {
    SmsRequest request;
    const std::string folded = fold(text);
    const auto words = split_words(folded);
    if (words.empty()) {
        return request;
    }
    request.keyword = std::string(words[0]);
    request.intent = intent_of(words[0], keywords, inbound);
    if (takes_commodity(request.intent) && words.size() > 1) {
        auto [commodity, keyword] = find_commodity(words[1], keywords);
        if (!commodity.empty()) {
            request.commodity = std::move(commodity);
            request.commodity_keyword = std::move(keyword);
            request.commodity_word = std::string(words[1]);
            request.market = join_from(words, 2);
            return request;
        }
    }
    request.rest = join_from(words, 1);
    return request;
}

bool within_one_typo(std::string_view a, std::string_view b) {
    if (a == b) {
        return true;
    }
    if (a.size() < 3 || b.size() < 3) {
        return false; // "RI" is not "RIZ"
    }
    if (a.size() < b.size()) {
        std::swap(a, b); // `a` is the longer, if either
    }
    if (a.size() - b.size() > 1) {
        return false;
    }
    std::size_t i = 0; // the first difference; i < a.size() since a != b
    while (i < b.size() && a[i] == b[i]) {
        ++i;
    }
    if (a.size() > b.size()) {
        return a.substr(i + 1) == b.substr(i); // a byte inserted in `a` (deleted from `b`)
    }
    if (a.substr(i + 1) == b.substr(i + 1)) {
        return true; // a byte replaced
    }
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2); // two adjacent bytes swapped
}

std::string match_name(std::string_view written, const std::vector<std::string>& known) {
    const std::string folded = fold(trim(written));
    if (folded.empty()) {
        return "";
    }
    Closest closest;
    for (const auto& name : known) {
        const std::string candidate = fold(trim(name));
        if (candidate == folded) {
            closest.offer(name, true);
        } else if (within_one_typo(candidate, folded)) {
            closest.offer(name, false);
        }
    }
    return closest.result();
}

} // namespace kibaru::core
