#include "core/callbacks.hpp"

#include "core/gateway.hpp"
#include "core/gateway_profile.hpp"
#include "core/sms.hpp"
#include "core/utf8.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <utility>

namespace kibaru::core {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string decode(std::string_view in, bool plus_as_space = true) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+' && plus_as_space) {
            out.push_back(' ');
        } else if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

} // namespace

std::string url_decode(std::string_view text, bool plus_as_space) {
    return decode(text, plus_as_space);
}

Params parse_params(std::string_view encoded) {
    Params params;
    while (!encoded.empty()) {
        const auto amp = encoded.find('&');
        const auto pair = encoded.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            params[decode(pair.substr(0, eq))] =
                eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        encoded.remove_prefix(amp + 1);
    }
    return params;
}

std::string describe_report(DeliveryState state, std::string_view reason,
                            std::string_view smsc_id) {
    std::string out;
    if (state == DeliveryState::delivered) {
        out = "delivered";
    } else if (state == DeliveryState::failed) {
        out = "failed: ";
        out += reason.empty() ? std::string_view("no reason given") : reason;
    } else {
        out = reason.empty() ? std::string_view("on its way") : reason;
    }
    if (!smsc_id.empty()) {
        out += " (SMSC id ";
        out += smsc_id;
        out += ')';
    }
    return out;
}

Result<DeliveryReport> parse_delivery_report(std::string_view profile, const Params& p) {
    const auto* found = find_gateway_profile(profile);
    if (found == nullptr) {
        return Error{"unknown profile " + std::string(profile)};
    }
    auto report = found->parse_report(p);
    if (report) {
        // Kannel's %A (the SMSC's reply) and %F come as any bytes; they are stored and shown.
        for (auto* text : {&report->ref, &report->gateway_id, &report->smsc_id, &report->detail}) {
            *text = to_valid_utf8(std::move(*text));
        }
    }
    return report;
}

Result<InboundSms> parse_inbound(std::string_view profile, const Params& p) {
    const auto* found = find_gateway_profile(profile);
    if (found == nullptr) {
        return Error{"unknown profile " + std::string(profile)};
    }
    auto sms = found->parse_inbound(p);
    if (sms) {
        // The text must be UTF-8 (the profile refuses it otherwise); the sender and the id come
        // as any bytes. A sender that is no number is kept as written, and a reply to it went
        // into a JSON body (Orange's, a generic one's): invalid UTF-8 there threw on every
        // claim, after every restart.
        sms->from = to_valid_utf8(std::move(sms->from));
        sms->gateway_message_id = to_valid_utf8(std::move(sms->gateway_message_id));
    }
    return sms;
}

std::string fold_keyword(std::string_view text) {
    // Folding through the GSM-7 transliteration drops accents the table lacks (ê, Ê); the
    // few it keeps (é, è, à, ...) are folded here.
    const std::string folded = transliterate_to_gsm7(text);
    std::string out;
    for (std::size_t i = 0; i < folded.size();) {
        const char32_t cp = next_code_point(folded, i);
        switch (cp) {
        case U'é':
        case U'è':
        case U'É':
        case U'ë':
            out += 'E';
            break;
        case U'à':
        case U'ä':
        case U'Ä':
        case U'å':
        case U'Å':
            out += 'A';
            break;
        case U'ù':
        case U'ü':
        case U'Ü':
            out += 'U';
            break;
        case U'ì':
            out += 'I';
            break;
        case U'ò':
        case U'ö':
        case U'Ö':
        case U'ø':
        case U'Ø':
            out += 'O';
            break;
        case U'Ç':
            out += 'C';
            break;
        case U'ñ':
        case U'Ñ':
            out += 'N';
            break;
        default:
            if (cp < 0x80) {
                out += static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 'a' + 'A' : cp);
            } else {
                append_utf8(out, cp);
            }
        }
    }
    return out;
}

Keyword match_keyword(std::string_view text, const std::vector<std::string>& stop_keywords,
                      const std::vector<std::string>& start_keywords) {
    const std::string folded = fold_keyword(text);
    auto is_word = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (static_cast<unsigned char>(c) >= 0x80);
    };
    std::size_t start = 0;
    while (start < folded.size() && !is_word(folded[start])) {
        ++start;
    }
    std::size_t end = start;
    while (end < folded.size() && is_word(folded[end])) {
        ++end;
    }
    const std::string word = folded.substr(start, end - start);
    if (word.empty()) {
        return Keyword::none;
    }
    for (const auto& k : stop_keywords) {
        if (fold_keyword(k) == word) {
            return Keyword::stop;
        }
    }
    for (const auto& k : start_keywords) {
        if (fold_keyword(k) == word) {
            return Keyword::start;
        }
    }
    return Keyword::none;
}

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const Params& params) {
    std::string data(url);
    for (const auto& [name, value] : params) { // std::map: sorted by name
        data += name;
        data += value;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
    return base64(std::string_view(reinterpret_cast<const char*>(digest), length));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace kibaru::core
