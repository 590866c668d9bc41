#include "core/reply_templates.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <stdexcept>

namespace kibaru::core {

namespace {

// The replies of templates/replies.fr.txt and templates/replies.bm.txt, for an install without
// the files. Keep them equal: tests/unit/test_core_reply_templates.cpp fails when they differ.
constexpr std::string_view k_built_in_fr = R"(
price = Prix {commodity}: {prices}
no_price = Kibaru: pas de prix connu pour {commodity}{market}.
no_commodity = Kibaru: produit inconnu. Ecrivez par exemple PRIX SESAME KITA.
subscribed = Kibaru: vous recevrez les prix du {commodity}. Pour arreter: DESABONNER {commodity}.
unsubscribed = Kibaru: vous ne recevrez plus les prix du {commodity}.
help = Kibaru: PRIX SESAME KITA pour un prix, ABONNER RIZ pour recevoir les prix du riz, STOP pour ne plus rien recevoir.
opted_out = Kibaru: vous avez envoye STOP et ne recevez plus nos SMS. Envoyez START pour les recevoir a nouveau.
)";

// Written without the Bambara letters; to be reviewed by a native speaker (see the file).
constexpr std::string_view k_built_in_bm = R"(
price = {commodity} songo: {prices}
no_price = Kibaru: {commodity} songo te an fe{market}.
no_commodity = Kibaru: o fen ma don. A sebe nin cogo la: PRIX SESAME KITA.
subscribed = Kibaru: {commodity} songo na ci i ma. A dabila: DESABONNER {commodity}.
unsubscribed = Kibaru: {commodity} songo tena ci i ma tugu.
help = Kibaru: PRIX SESAME KITA ka songo don, ABONNER RIZ ka malo songo soro, STOP ka dabila.
)";

const ReplyKind* find_kind(std::string_view name) {
    const auto& kinds = reply_kinds();
    const auto it = std::find_if(kinds.begin(), kinds.end(),
                                 [&](const ReplyKind& k) { return k.name == name; });
    return it == kinds.end() ? nullptr : &*it;
}

std::string kind_list() {
    std::string out;
    for (const auto& k : reply_kinds()) {
        out += (out.empty() ? "" : ", ") + std::string(k.name);
    }
    return out;
}

std::string placeholder_list(const ReplyKind& kind) {
    std::string out;
    for (const auto p : kind.placeholders) {
        out += (out.empty() ? "{" : ", {") + std::string(p) + "}";
    }
    return out;
}

// Problems with `text` as the template of `kind`, or "".
std::string check_text(const ReplyKind& kind, const std::string& text,
                       const ReplyParseOptions& options) {
    if (text.empty()) {
        return "no text after =";
    }
    const auto names = template_placeholders(text);
    if (!names) {
        return names.error().message;
    }
    for (const auto& name : *names) {
        if (std::find(kind.placeholders.begin(), kind.placeholders.end(), name) ==
            kind.placeholders.end()) {
            return "{" + name + "} is not a placeholder of this reply (" +
                   (kind.placeholders.empty() ? std::string("it takes none")
                                              : "it may use " + placeholder_list(kind)) +
                   ")";
        }
    }
    if (!kind.required.empty() &&
        std::find(names->begin(), names->end(), kind.required) == names->end()) {
        return "must contain {" + std::string(kind.required) + "}";
    }
    if (options.encoding == EncodingMode::gsm7 && !is_gsm7(text)) {
        return "\"" + first_non_gsm7(text) +
               "\" is not a GSM-7 character and [sms] encoding is gsm7: write it without";
    }
    return "";
}

ReplyTexts parse_built_in(std::string_view language) {
    auto texts = parse_reply_templates(built_in_reply_templates(language),
                                       "built-in replies." + std::string(language), {true});
    if (!texts) {
        throw std::logic_error(texts.error().message); // caught by the unit tests
    }
    return std::move(texts).value();
}

const std::map<std::string, ReplyTexts, std::less<>>& built_in_by_language() {
    static const std::map<std::string, ReplyTexts, std::less<>> k_all = {
        {"fr", parse_built_in("fr")}, {"bm", parse_built_in("bm")}};
    return k_all;
}

} // namespace

const std::vector<ReplyKind>& reply_kinds() {
    static const std::vector<ReplyKind> k_kinds = {
        {"price", {"commodity", "prices"}, "prices"},
        {"no_price", {"commodity", "market"}, ""},
        {"no_commodity", {}, ""},
        {"subscribed", {"commodity"}, ""},
        {"unsubscribed", {"commodity"}, ""},
        {"help", {}, ""},
        {"opted_out", {}, "", true},
    };
    return k_kinds;
}

std::string reply_template_file_name(std::string_view language) {
    return "replies." + std::string(language) + ".txt";
}

Result<ReplyTexts> parse_reply_templates(std::string_view text, std::string_view source,
                                         const ReplyParseOptions& options) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3); // saved by Notepad "UTF-8 with BOM"
    }
    ReplyTexts texts;
    std::map<std::string, std::size_t, std::less<>> lines_of;
    std::vector<std::string> problems;
    const std::string where(source);
    auto problem = [&](std::size_t line, const std::string& what) {
        problems.push_back(where + ":" + std::to_string(line) + ": " + what);
    };
    std::size_t number = 0;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = std::min(text.find('\n', start), text.size());
        auto raw = text.substr(start, end - start);
        start = end + 1;
        ++number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.remove_suffix(1);
        }
        const auto line = trim(raw);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            problem(number, "expected `kind = text` (kinds: " + kind_list() + ")");
            continue;
        }
        const std::string name(trim(line.substr(0, equals)));
        const std::string body(trim(line.substr(equals + 1)));
        const auto* kind = find_kind(name);
        if (!kind && !is_valid_utf8(name)) {
            problem(number, "not UTF-8 text (save the file as UTF-8)");
            continue;
        }
        if (!kind) {
            problem(number, "\"" + name + "\" is not a kind of reply (kinds: " + kind_list() + ")");
            continue;
        }
        if (const auto first = lines_of.find(name); first != lines_of.end()) {
            problem(number,
                    name + ": given twice (first on line " + std::to_string(first->second) + ")");
            continue;
        }
        lines_of.emplace(name, number);
        if (!is_valid_utf8(body)) {
            problem(number, name + ": not UTF-8 text (save the file as UTF-8)");
            continue;
        }
        if (auto wrong = check_text(*kind, body, options); !wrong.empty()) {
            problem(number, name + ": " + wrong);
            continue;
        }
        texts.emplace(name, body);
    }
    if (options.complete) {
        std::string missing;
        for (const auto& name : missing_reply_kinds(texts)) {
            if (!lines_of.count(name) && !find_kind(name)->added_later) {
                // (a kind given with a mistake is reported on its line)
                missing += (missing.empty() ? "" : ", ") + name;
            }
        }
        if (!missing.empty()) {
            problems.push_back(where + ": no reply for " + missing +
                               " (this file is the fallback: it must give every reply)");
        }
    }
    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) {
            all += (all.empty() ? "" : "\n") + p;
        }
        return Error{all};
    }
    return texts;
}

std::vector<std::string> missing_reply_kinds(const ReplyTexts& texts) {
    std::vector<std::string> missing;
    for (const auto& kind : reply_kinds()) {
        if (texts.find(kind.name) == texts.end()) {
            missing.emplace_back(kind.name);
        }
    }
    return missing;
}

std::string_view built_in_reply_templates(std::string_view language) {
    if (language == "fr") {
        return k_built_in_fr;
    }
    if (language == "bm") {
        return k_built_in_bm;
    }
    return "";
}

ReplyTemplates::ReplyTemplates() : m_by_language(built_in_by_language()), m_source("built-in") {}

ReplyTemplates::ReplyTemplates(std::map<std::string, ReplyTexts, std::less<>> by_language,
                               std::string source)
    : m_by_language(std::move(by_language)), m_source(std::move(source)) {
    auto& fallback = m_by_language[std::string(k_fallback_reply_language)];
    for (const auto& [kind, text] : built_in_by_language().at("fr")) {
        fallback.emplace(kind, text); // kept when the files give it
    }
}

const std::string& ReplyTemplates::text(std::string_view language, std::string_view kind) const {
    if (const auto lang = m_by_language.find(language); lang != m_by_language.end()) {
        if (const auto it = lang->second.find(kind); it != lang->second.end()) {
            return it->second;
        }
    }
    const auto& fallback = m_by_language.find(k_fallback_reply_language)->second;
    const auto it = fallback.find(kind);
    if (it == fallback.end()) {
        throw std::invalid_argument("no reply of kind \"" + std::string(kind) + "\"");
    }
    return it->second;
}

std::string ReplyTemplates::render(std::string_view language, std::string_view kind,
                                   const TemplateValues& values) const {
    return render_template(text(language, kind), values);
}

std::vector<std::string> ReplyTemplates::languages() const {
    std::vector<std::string> out;
    for (const auto& [language, texts] : m_by_language) {
        if (!texts.empty()) {
            out.push_back(language);
        }
    }
    return out;
}

} // namespace kibaru::core
