#include "core/gateway.hpp"

#include "core/gateway_profile.hpp"
#include "core/profiles/support.hpp"
#include "core/utf8.hpp"

#include <cctype>
#include <stdexcept>
#include <utility>

namespace kibaru::core {

GatewaySettings GatewaySettings::from_config(const Config& config, std::string secret,
                                             std::string callback_token) {
    return for_gateway(config, sending_gateways(config).front(), std::move(secret),
                       std::move(callback_token));
}

GatewaySettings GatewaySettings::for_gateway(const Config& config, const GatewayConfig& gateway,
                                             std::string secret, std::string callback_token) {
    GatewaySettings s;
    s.name = gateway.name;
    s.callback_segment = config.gateways.empty() ? gateway.profile : gateway.name;
    s.profile = gateway.profile;
    s.driver = find_gateway_profile(gateway.profile); // the configuration checked the name
    s.url = gateway.profile == "generic" ? gateway.generic.url : gateway.url;
    s.username = gateway.username;
    s.secret = std::move(secret);
    s.sender = config.sms.sender;
    s.public_url = config.server.public_url;
    s.callback_token = std::move(callback_token);
    s.generic = gateway.generic;
    s.sender_number = gateway.sender_number;
    return s;
}

std::optional<OriginAndTarget> split_request_target(std::string_view url) {
    // A scheme (RFC 3986: a letter, then letters, digits, + - .) right before "://".
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0 ||
        !std::isalpha(static_cast<unsigned char>(url[0]))) {
        return std::nullopt;
    }
    for (const char c : url.substr(0, scheme_end)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
            return std::nullopt;
        }
    }
    const auto target = url.find_first_of("/?#", scheme_end + 3);
    if (target == std::string_view::npos || target == scheme_end + 3 || url[target] != '/') {
        return std::nullopt; // no target, no host, or a query or fragment without a path
    }
    // The target goes on the request line exactly as written, where curl would have refused
    // or normalised a whole URL: leave anything unusual to curl (spaces, control bytes,
    // backslashes, a fragment, "." and ".." segments).
    const auto rest = url.substr(target);
    for (const char c : rest) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F || c == '\\' || c == '#') {
            return std::nullopt;
        }
    }
    const auto path = rest.substr(0, rest.find('?'));
    for (std::size_t at = 0; at < path.size();) {
        const auto end = std::min(path.find('/', at + 1), path.size());
        const auto segment = path.substr(at + 1, end - at - 1);
        if (segment == "." || segment == "..") {
            return std::nullopt;
        }
        at = end;
    }
    return OriginAndTarget{url.substr(0, target), rest};
}

const GatewayProfile& profile_of(const GatewaySettings& s) {
    if (s.driver != nullptr) {
        return *s.driver;
    }
    if (const auto* found = find_gateway_profile(s.profile)) { // settings made by hand (tests)
        return *found;
    }
    throw std::invalid_argument("unknown gateway profile " + s.profile);
}

Result<HttpRequest> build_gateway_request(const GatewaySettings& s, const OutgoingSms& sms) {
    const auto& profile = profile_of(s); // an unknown name is the caller's error: thrown
    try {
        return profile.build_request(s, sms);
    } catch (const std::exception& e) {
        // One message a profile cannot put into a request (a value its JSON cannot carry, a
        // defect): that message fails with the reason and the others go on. Thrown, it rolled
        // back the whole dispatcher cycle, and the same row came first again every cycle.
        return Error{std::string("the gateway request could not be built: ") + e.what()};
    }
}

SendOutcome read_gateway_reply(const GatewaySettings& s, int status, std::string_view body,
                               std::optional<std::chrono::seconds> retry_after,
                               std::string_view transport_error) {
    SendOutcome o;
    if (status == 0) {
        o.verdict = SendVerdict::transient;
        o.error = std::string(transport_error);
    } else {
        const auto& profile = profile_of(s);
        try {
            o = profile.read_reply(s, status, body);
        } catch (const std::exception& e) {
            // The status says what the gateway did (a 2xx took the message); only the body
            // could not be read: never a reason to send it again, nor to end the daemon.
            o = profiles::outcome(verdict_for_status(status), status, "",
                                  std::string("the gateway's reply could not be read: ") +
                                      e.what());
        }
    }
    o.retry_after = retry_after;
    // The gateway's own words go into events, the audit log and JSON: a Latin-1 outage page
    // (\xE9 for é) made the circuit's audit entry throw and the daemon stop.
    o.error = to_valid_utf8(std::move(o.error));
    o.gateway_id = to_valid_utf8(std::move(o.gateway_id));
    return o;
}

std::string url_encode(std::string_view bytes) {
    std::string out;
    append_url_encoded(out, bytes);
    return out;
}

void append_url_encoded(std::string& out, std::string_view bytes) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    // Written through a pointer into room for the worst case: every SMS's text and callback
    // URL pass through here, and push_back's capacity checks were most of its cost.
    const std::size_t start = out.size();
    out.resize(start + bytes.size() * 3);
    char* o = out.data() + start;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            *o++ = ch;
        } else {
            *o++ = '%';
            *o++ = k_hex[c >> 4];
            *o++ = k_hex[c & 0x0F];
        }
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
}

std::string utf16be(std::string_view utf8) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size();) {
        char32_t cp = next_code_point(utf8, i);
        auto unit = [&](char32_t u) {
            out.push_back(static_cast<char>((u >> 8) & 0xFF));
            out.push_back(static_cast<char>(u & 0xFF));
        };
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
    }
    return out;
}

std::string utf8_from_utf16be(std::string_view bytes) {
    std::string out;
    auto unit_at = [&](std::size_t i) -> char32_t {
        return (static_cast<char32_t>(static_cast<unsigned char>(bytes[i])) << 8) |
               static_cast<unsigned char>(bytes[i + 1]);
    };
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        const char32_t unit = unit_at(i);
        if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < bytes.size()) {
            const char32_t low = unit_at(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                i += 2;
                continue;
            }
        }
        append_utf8(out, unit >= 0xD800 && unit <= 0xDFFF ? char32_t{0xFFFD} : unit);
    }
    if (i < bytes.size()) {
        append_utf8(out, 0xFFFD);
    }
    return out;
}

std::string base64(std::string_view bytes) {
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
        out += {k_alphabet[(n >> 18) & 63], k_alphabet[(n >> 12) & 63], k_alphabet[(n >> 6) & 63],
                k_alphabet[n & 63]};
    }
    if (i + 1 == bytes.size()) {
        const auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        out += {k_alphabet[(n >> 18) & 63], k_alphabet[(n >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8);
        out += {k_alphabet[(n >> 18) & 63], k_alphabet[(n >> 12) & 63], k_alphabet[(n >> 6) & 63],
                '='};
    }
    return out;
}

} // namespace kibaru::core
