// SMS encoding and segment counting (3GPP TS 23.038 / 23.040), and the transliteration that
// keeps French and Bambara text in GSM-7.
//
// GSM-7: the basic table costs one septet a character, the extension table (^ { } \ [ ~ ] | €
// and form feed) two, and an extension pair is never split between segments. 160 septets fit in
// one SMS; a longer text is sent in segments of 153 (7 bytes of each go to the concatenation
// header). UCS-2: counted in UTF-16 code units, so a character outside the BMP (an emoji)
// counts two and is never split; 70 units in one SMS, 67 per segment beyond.
// Pure computation, no I/O.
#pragma once

#include "core/refusal.hpp"
#include "core/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kibaru::core {

enum class SmsEncoding { gsm7, ucs2 };

// [sms] encoding: auto picks GSM-7 when every character has one, else UCS-2; gsm7 refuses text
// that is not GSM-7; ucs2 always sends UCS-2; translit folds accents and Bambara letters first.
enum class EncodingMode { automatic, gsm7, ucs2, translit };

std::optional<EncodingMode> parse_encoding_mode(std::string_view name);
std::string_view encoding_name(SmsEncoding encoding); // "gsm7" or "ucs2"

struct SmsShape {
    SmsEncoding encoding = SmsEncoding::gsm7;
    std::size_t units = 0; // septets (GSM-7) or UTF-16 code units (UCS-2)
    int segments = 0;      // 1 for an empty text: an empty SMS is still one SMS
};

// Counts `utf8` (valid UTF-8) in `encoding`. For GSM-7 the text must be GSM-7 (is_gsm7).
SmsShape measure_sms(std::string_view utf8, SmsEncoding encoding);

// True when every character is in the GSM-7 basic or extension table.
bool is_gsm7(std::string_view utf8);

// The first character of `utf8` that GSM-7 lacks, as UTF-8, or "" when there is none.
std::string first_non_gsm7(std::string_view utf8);

// Replaces what GSM-7 lacks by its nearest GSM-7 spelling: ê→e, ç→c, ɛ→è, ɔ→o, ɲ→ny, ŋ→ng,
// typographic quotes and dashes, non-breaking spaces, "…"; drops combining tone marks.
// Characters with no such spelling (Arabic, emoji) are kept, so the text may still need UCS-2.
std::string transliterate_to_gsm7(std::string_view utf8);

// The tables the functions above use, for what must count the same elsewhere (the console's
// live counter): the basic table, the extension table, and each replacement of
// transliterate_to_gsm7 (UTF-8 -> UTF-8).
struct Gsm7Alphabet {
    std::string basic;     // UTF-8, every character of the basic table but the escape
    std::string extension; // UTF-8
    std::vector<std::pair<std::string, std::string>> folds;
};
const Gsm7Alphabet& gsm7_alphabet();

struct PreparedSms {
    std::string text; // what is sent (transliterated under EncodingMode::translit)
    SmsShape shape;
};

// Applies `mode` to `utf8`. Fails under EncodingMode::gsm7 when a character has no GSM-7 form,
// naming it (and telling `why`: msg_no_gsm7, [the character]).
Result<PreparedSms> prepare_sms(std::string_view utf8, EncodingMode mode, Refusal* why = nullptr);

} // namespace kibaru::core
