// Encoding and segment counting on arbitrary text. Properties: valid UTF-8 always prepares under
// auto, ucs2 and translit; GSM-7 succeeds exactly when the text is GSM-7; segment counts agree
// with the unit counts (160/153 septets, 70/67 UTF-16 units) within the no-split rule.
#include "core/sms.hpp"
#include "core/utf8.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace kibaru::core;

namespace {

void check_shape(const SmsShape& shape) {
    FUZZ_CHECK(shape.segments >= 1);
    const std::size_t single = shape.encoding == SmsEncoding::gsm7 ? 160 : 70;
    const std::size_t part = shape.encoding == SmsEncoding::gsm7 ? 153 : 67;
    const auto segments = static_cast<std::size_t>(shape.segments);
    if (shape.units <= single) {
        FUZZ_CHECK(segments == 1);
    } else {
        // Never fewer parts than the units need; at most one extra part per part for the
        // characters (escape pairs, surrogate pairs) that may not be split.
        FUZZ_CHECK(segments * part >= shape.units);
        FUZZ_CHECK(segments <= 2 * ((shape.units + part - 1) / part));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (!is_valid_utf8(text)) {
        return 0; // texts are checked for UTF-8 when they are stored
    }
    const bool gsm = is_gsm7(text);
    FUZZ_CHECK(gsm == first_non_gsm7(text).empty());
    for (const auto mode : {EncodingMode::automatic, EncodingMode::gsm7, EncodingMode::ucs2,
                            EncodingMode::translit}) {
        const auto prepared = prepare_sms(text, mode);
        if (mode == EncodingMode::gsm7) {
            FUZZ_CHECK(prepared.ok() == gsm);
        } else {
            FUZZ_CHECK(prepared.ok());
        }
        if (!prepared) {
            continue;
        }
        check_shape(prepared->shape);
        FUZZ_CHECK(is_valid_utf8(prepared->text));
        if (prepared->shape.encoding == SmsEncoding::gsm7) {
            FUZZ_CHECK(is_gsm7(prepared->text));
        }
        if (mode == EncodingMode::automatic) {
            FUZZ_CHECK((prepared->shape.encoding == SmsEncoding::gsm7) == gsm);
        }
    }
    return 0;
}
