// The texts of the automatic replies to producers' SMS (SPEC.md "Two-way SMS"), per language,
// from templates/replies.<lang>.txt: one `kind = text` line per reply, `#` comment lines, and the
// placeholders of core/message_template ({commodity}, {prices}, {market}; "{{" is a literal
// brace). French is the fallback: a language without a file, or a reply its file lacks, is
// answered in French. The built-in texts are those of the shipped files (a unit test holds them
// equal), so an install without the files answers all the same. Pure: the files are read by
// app/config_loader.
#pragma once

#include "core/message_template.hpp"
#include "core/result.hpp"
#include "core/sms.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

// One kind of reply and the placeholders its text may use.
struct ReplyKind {
    std::string_view name;
    std::vector<std::string_view> placeholders; // those it may use
    std::string_view required;                  // one it must use, or ""
    // Added after the first release: a fallback file written before it may lack it, and its
    // built-in French text then stands in (an edited /etc copy must not stop an upgrade).
    bool added_later = false;
};

// price {commodity} {prices} (must use {prices}), no_price {commodity} {market}, no_commodity,
// subscribed {commodity}, unsubscribed {commodity}, help, opted_out (to ABONNER or DESABONNER
// from a contact who sent STOP).
const std::vector<ReplyKind>& reply_kinds();

inline constexpr std::string_view k_fallback_reply_language = "fr";

// "replies.fr.txt" for "fr".
std::string reply_template_file_name(std::string_view language);

using ReplyTexts = std::map<std::string, std::string, std::less<>>; // kind -> template text

struct ReplyParseOptions {
    // Every kind must be given (the fallback language's file).
    bool complete = false;
    // [sms] encoding: under gsm7 a character GSM-7 lacks is refused here, not at send time.
    EncodingMode encoding = EncodingMode::automatic;
};

// Reads the text of a replies file. Fails with every problem, one per line, each as
// "<source>:<line>: <kind>: what is wrong": a line that is not `kind = text`, an unknown kind, a
// kind given twice, an empty text, a malformed or unknown placeholder, a missing required one,
// text that is not UTF-8, a character GSM-7 lacks under EncodingMode::gsm7, and (with
// `complete`) the kinds not given. A UTF-8 byte order mark and CR LF line ends are accepted.
Result<ReplyTexts> parse_reply_templates(std::string_view text, std::string_view source,
                                         const ReplyParseOptions& options = {});

// The kinds of reply_kinds() that `texts` does not give, in that order.
std::vector<std::string> missing_reply_kinds(const ReplyTexts& texts);

// The built-in text of templates/replies.<language>.txt's replies ("" for a language without
// one: only fr and bm have one).
std::string_view built_in_reply_templates(std::string_view language);

// The replies of every language, with French as the fallback.
class ReplyTemplates {
public:
    // The built-in French and Bambara replies.
    ReplyTemplates();
    // Replies read from files; `source` says where (for logs and status). Missing French
    // replies are taken from the built-in ones, so that text() always has an answer.
    ReplyTemplates(std::map<std::string, ReplyTexts, std::less<>> by_language, std::string source);

    // The template of `kind` in `language`, else in French. `kind` must be a reply kind.
    const std::string& text(std::string_view language, std::string_view kind) const;
    // That template with `values` filled in ({x} stays as written for a value not given).
    std::string render(std::string_view language, std::string_view kind,
                       const TemplateValues& values) const;

    std::vector<std::string> languages() const;            // those with texts of their own
    const std::string& source() const { return m_source; } // "built-in" or the directory

private:
    std::map<std::string, ReplyTexts, std::less<>> m_by_language;
    std::string m_source;
};

} // namespace kibaru::core
