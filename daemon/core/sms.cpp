#include "core/sms.hpp"

#include "core/utf8.hpp"

#include <array>
#include <vector>

namespace kibaru::core {

namespace {

// GSM 03.38 basic character set, by septet value (0x1B is the escape to the extension table).
constexpr std::array<char32_t, 128> k_basic = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç',  U'\n', U'Ø', U'ø', U'\r', U'Å',
    U'å', U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ',  U'Θ',  U'Ξ', 0,    U'Æ',  U'æ',
    U'ß', U'É', U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(',  U')', U'*', U'+',  U',',
    U'-', U'.', U'/', U'0', U'1', U'2', U'3', U'4', U'5', U'6',  U'7',  U'8', U'9', U':',  U';',
    U'<', U'=', U'>', U'?', U'¡', U'A', U'B', U'C', U'D', U'E',  U'F',  U'G', U'H', U'I',  U'J',
    U'K', U'L', U'M', U'N', U'O', U'P', U'Q', U'R', U'S', U'T',  U'U',  U'V', U'W', U'X',  U'Y',
    U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§', U'¿', U'a', U'b', U'c',  U'd',  U'e', U'f', U'g',  U'h',
    U'i', U'j', U'k', U'l', U'm', U'n', U'o', U'p', U'q', U'r',  U's',  U't', U'u', U'v',  U'w',
    U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à'};

// The extension table: each costs the escape septet plus its own.
constexpr std::array<char32_t, 10> k_extension = {U'\f', U'^', U'{', U'}', U'\\',
                                                  U'[',  U'~', U']', U'|', U'€'};

// Septets per code point in the BMP: 0 = not in GSM-7, 1 = basic table, 2 = extension table.
const std::vector<unsigned char>& septet_table() {
    static const std::vector<unsigned char> table = [] {
        std::vector<unsigned char> t(0x10000, 0);
        for (std::size_t i = 0; i < k_basic.size(); ++i) {
            if (i != 0x1B) {
                t[k_basic[i]] = 1;
            }
        }
        for (const char32_t c : k_extension) {
            t[c] = 2;
        }
        return t;
    }();
    return table;
}

int septets(char32_t cp) {
    return cp < 0x10000 ? septet_table()[cp] : 0;
}

struct Fold {
    char32_t from;
    const char* to;
};

// What GSM-7 lacks, spelt with what it has. Bambara's open vowels keep their sound where GSM-7
// allows it (ɛ→è); accented capitals not in the table lose the accent.
constexpr Fold k_folds[] = {
    {U'á', "a"},   {U'â', "a"},      {U'ã', "a"},      {U'ā', "a"},      {U'ç', "c"},
    {U'ê', "e"},   {U'ë', "e"},      {U'ē', "e"},      {U'í', "i"},      {U'î', "i"},
    {U'ï', "i"},   {U'ó', "o"},      {U'ô', "o"},      {U'õ', "o"},      {U'ú', "u"},
    {U'û', "u"},   {U'ý', "y"},      {U'ÿ', "y"},      {U'œ', "oe"},     {U'À', "A"},
    {U'Á', "A"},   {U'Â', "A"},      {U'Ã', "A"},      {U'È', "E"},      {U'Ê', "E"},
    {U'Ë', "E"},   {U'Ì', "I"},      {U'Í', "I"},      {U'Î', "I"},      {U'Ï', "I"},
    {U'Ò', "O"},   {U'Ó', "O"},      {U'Ô', "O"},      {U'Õ', "O"},      {U'Ù', "U"},
    {U'Ú', "U"},   {U'Û', "U"},      {U'Ý', "Y"},      {U'Œ', "OE"},     {U'ɛ', "è"},
    {U'Ɛ', "E"},   {U'ɔ', "o"},      {U'Ɔ', "O"},      {U'ɲ', "ny"},     {U'Ɲ', "Ny"},
    {U'ŋ', "ng"},  {U'Ŋ', "Ng"},     {U'‘', "'"},      {U'’', "'"},      {U'‚', "'"},
    {U'‛', "'"},   {U'′', "'"},      {U'`', "'"},      {U'´', "'"},      {U'“', "\""},
    {U'”', "\""},  {U'„', "\""},     {U'″', "\""},     {U'«', "\""},     {U'»', "\""},
    {U'‹', "\""},  {U'›', "\""},     {U'‐', "-"},      {U'‑', "-"},      {U'‒', "-"},
    {U'–', "-"},   {U'—', "-"},      {U'―', "-"},      {U'−', "-"},      {U'•', "-"},
    {U'…', "..."}, {U'\u00A0', " "}, {U'\u2007', " "}, {U'\u2009', " "}, {U'\u202F', " "},
    {U'\t', " "},  {U'°', "o"},
};

const char* fold(char32_t cp) {
    for (const auto& f : k_folds) {
        if (f.from == cp) {
            return f.to;
        }
    }
    return nullptr;
}

bool is_combining_mark(char32_t cp) {
    return cp >= 0x0300 && cp <= 0x036F;
}

int segments_for(const std::vector<int>& widths, std::size_t total, std::size_t single,
                 std::size_t per_segment) {
    if (total <= single) {
        return 1;
    }
    int segments = 1;
    std::size_t used = 0;
    for (const int w : widths) {
        const auto width = static_cast<std::size_t>(w);
        if (used + width > per_segment) { // never split a pair between segments
            ++segments;
            used = 0;
        }
        used += width;
    }
    return segments;
}

} // namespace

const Gsm7Alphabet& gsm7_alphabet() {
    static const Gsm7Alphabet alphabet = [] {
        Gsm7Alphabet a;
        for (std::size_t i = 0; i < k_basic.size(); ++i) {
            if (i != 0x1B) {
                append_utf8(a.basic, k_basic[i]);
            }
        }
        for (const char32_t c : k_extension) {
            append_utf8(a.extension, c);
        }
        for (const auto& f : k_folds) {
            std::string from;
            append_utf8(from, f.from);
            a.folds.emplace_back(from, f.to);
        }
        return a;
    }();
    return alphabet;
}

std::optional<EncodingMode> parse_encoding_mode(std::string_view name) {
    if (name == "auto") {
        return EncodingMode::automatic;
    }
    if (name == "gsm7") {
        return EncodingMode::gsm7;
    }
    if (name == "ucs2") {
        return EncodingMode::ucs2;
    }
    if (name == "translit") {
        return EncodingMode::translit;
    }
    return std::nullopt;
}

std::string_view encoding_name(SmsEncoding encoding) {
    return encoding == SmsEncoding::gsm7 ? "gsm7" : "ucs2";
}

bool is_gsm7(std::string_view utf8) {
    return first_non_gsm7(utf8).empty();
}

std::string first_non_gsm7(std::string_view utf8) {
    for (std::size_t i = 0; i < utf8.size();) {
        const std::size_t start = i;
        if (septets(next_code_point(utf8, i)) == 0) {
            return std::string(utf8.substr(start, i - start));
        }
    }
    return "";
}

SmsShape measure_sms(std::string_view utf8, SmsEncoding encoding) {
    std::vector<int> widths;
    widths.reserve(utf8.size());
    std::size_t total = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        const char32_t cp = next_code_point(utf8, i);
        const int width =
            encoding == SmsEncoding::gsm7 ? std::max(septets(cp), 1) : (cp >= 0x10000 ? 2 : 1);
        widths.push_back(width);
        total += static_cast<std::size_t>(width);
    }
    SmsShape shape;
    shape.encoding = encoding;
    shape.units = total;
    shape.segments = encoding == SmsEncoding::gsm7 ? segments_for(widths, total, 160, 153)
                                                   : segments_for(widths, total, 70, 67);
    return shape;
}

std::string transliterate_to_gsm7(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(utf8, i);
        if (septets(cp) > 0) {
            out.append(utf8.substr(start, i - start));
        } else if (const char* folded = fold(cp)) {
            out += folded;
        } else if (!is_combining_mark(cp)) {
            append_utf8(out, cp);
        }
    }
    return out;
}

Result<PreparedSms> prepare_sms(std::string_view utf8, EncodingMode mode, Refusal* why) {
    PreparedSms sms;
    sms.text = mode == EncodingMode::translit ? transliterate_to_gsm7(utf8) : std::string(utf8);
    switch (mode) {
    case EncodingMode::ucs2:
        sms.shape = measure_sms(sms.text, SmsEncoding::ucs2);
        break;
    case EncodingMode::gsm7:
        if (const auto bad = first_non_gsm7(sms.text); !bad.empty()) {
            return refuse(why, "msg_no_gsm7",
                          "character \"" + bad +
                              "\" has no GSM-7 form (use [sms] encoding = \"translit\" or "
                              "\"auto\")",
                          {bad});
        }
        sms.shape = measure_sms(sms.text, SmsEncoding::gsm7);
        break;
    case EncodingMode::automatic:
    case EncodingMode::translit:
        sms.shape =
            measure_sms(sms.text, is_gsm7(sms.text) ? SmsEncoding::gsm7 : SmsEncoding::ucs2);
        break;
    }
    return sms;
}

} // namespace kibaru::core
