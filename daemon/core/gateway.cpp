#include "core/gateway.hpp"

#include "core/gateway_orange.hpp"

#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <regex>

namespace kibaru::core {

namespace {

// Appends "name=value&name=value" (values encoded) to `out`.
void append_query(std::string& out,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
    bool first = true;
    for (const auto& [name, value] : params) {
        if (!first) {
            out += '&';
        }
        first = false;
        out += name;
        out += '=';
        append_url_encoded(out, value);
    }
}

std::string query(std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
    std::string out;
    append_query(out, params);
    return out;
}

std::string callback_url(const GatewaySettings& s, std::string_view profile, std::string_view ref) {
    std::string_view base = s.public_url;
    while (!base.empty() && base.back() == '/') {
        base.remove_suffix(1);
    }
    std::string out;
    out.reserve(base.size() + profile.size() + 3 * s.callback_token.size() + ref.size() + 24);
    out += base;
    out += "/dlr/";
    out += profile;
    out += '?';
    append_query(out, {{"token", s.callback_token}, {"ref", ref}});
    return out;
}

std::string json_escape_inner(std::string_view text) {
    const std::string quoted = nlohmann::json(std::string(text)).dump();
    return quoted.substr(1, quoted.size() - 2);
}

// Fills {to} {text} {from} {ref} {secret} in a generic template, escaping each value.
std::string fill(std::string_view pattern, const GatewaySettings& s, const OutgoingSms& sms,
                 bool json_body, bool url_body) {
    auto escape = [&](std::string_view v) {
        return json_body ? json_escape_inner(v) : url_body ? url_encode(v) : std::string(v);
    };
    std::string out;
    for (std::size_t i = 0; i < pattern.size();) {
        bool replaced = false;
        for (const auto& [key, value] :
             {std::pair<std::string_view, std::string_view>{"{to}", sms.to},
              {"{text}", sms.text},
              {"{from}", s.sender},
              {"{ref}", sms.ref},
              {"{secret}", s.secret}}) {
            if (pattern.substr(i, key.size()) == key) {
                out += escape(value);
                i += key.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            out.push_back(pattern[i++]);
        }
    }
    return out;
}

SendOutcome outcome(SendVerdict verdict, int status, std::string id, std::string error) {
    SendOutcome o;
    o.verdict = verdict;
    o.http_status = status;
    o.gateway_id = std::move(id);
    o.error = std::move(error);
    return o;
}

std::string first_line(std::string_view body) {
    std::string line(body.substr(0, body.find('\n')));
    if (line.size() > 200) {
        line.resize(200);
    }
    return line;
}

SendOutcome read_kannel(int status, std::string_view body) {
    const auto verdict = verdict_for_status(status);
    if (verdict == SendVerdict::accepted) {
        // "0: Accepted for delivery", "3: Queued for later delivery": both are Kannel's to send.
        if (body.rfind("0:", 0) == 0 || body.rfind("3:", 0) == 0) {
            return outcome(verdict, status, "", "");
        }
        return outcome(SendVerdict::transient, status, "",
                       "unexpected Kannel reply: " + first_line(body));
    }
    return outcome(verdict, status, "", "HTTP " + std::to_string(status) + ": " + first_line(body));
}

SendOutcome read_africastalking(int status, std::string_view body) {
    const auto by_status = verdict_for_status(status);
    if (by_status != SendVerdict::accepted) {
        return outcome(by_status, status, "",
                       "HTTP " + std::to_string(status) + ": " + first_line(body));
    }
    const auto json = nlohmann::json::parse(body, nullptr, false);
    const auto* recipients = json.is_object() && json.contains("SMSMessageData") &&
                                     json["SMSMessageData"].is_object() &&
                                     json["SMSMessageData"].contains("Recipients") &&
                                     json["SMSMessageData"]["Recipients"].is_array() &&
                                     !json["SMSMessageData"]["Recipients"].empty()
                                 ? &json["SMSMessageData"]["Recipients"][0]
                                 : nullptr;
    if (!recipients || !recipients->is_object()) {
        const std::string message = json.is_object() && json.contains("SMSMessageData")
                                        ? json["SMSMessageData"].value("Message", "")
                                        : first_line(body);
        return outcome(SendVerdict::permanent, status, "", "no recipient in reply: " + message);
    }
    const int code = recipients->value("statusCode", 0);
    const std::string id = recipients->value("messageId", "");
    const std::string text = recipients->value("status", "");
    if (code >= 100 && code <= 102) { // Processed, Sent, Queued
        return outcome(SendVerdict::accepted, status, id, "");
    }
    // 405 InsufficientBalance and 5xx gateway troubles pass; the rest will not.
    const bool transient = code == 405 || code >= 500;
    return outcome(transient ? SendVerdict::transient : SendVerdict::permanent, status, id,
                   "Africa's Talking " + std::to_string(code) + " " + text);
}

SendOutcome read_twilio(int status, std::string_view body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    const auto verdict = verdict_for_status(status);
    if (verdict == SendVerdict::accepted) {
        const std::string sid = json.is_object() ? json.value("sid", "") : "";
        if (sid.empty()) {
            return outcome(SendVerdict::transient, status, "", "Twilio reply without a sid");
        }
        return outcome(verdict, status, sid, "");
    }
    std::string error = "HTTP " + std::to_string(status);
    if (json.is_object()) {
        if (json.contains("code") && json["code"].is_number()) {
            error += " Twilio " + std::to_string(json["code"].get<int>());
        }
        error += ": " + json.value("message", "");
    }
    return outcome(verdict, status, "", error);
}

// The configured message-id pattern, compiled once rather than for every reply (a daemon has
// one pattern; a change of pattern compiles again).
const std::regex& compiled(const std::string& pattern) {
    thread_local std::string source;
    thread_local std::regex regex;
    if (pattern != source) {
        regex = std::regex(pattern);
        source = pattern;
    }
    return regex;
}

SendOutcome read_generic(const GatewaySettings& s, int status, std::string_view body) {
    const auto verdict = verdict_for_status(status);
    if (verdict != SendVerdict::accepted) {
        return outcome(verdict, status, "",
                       "HTTP " + std::to_string(status) + ": " + first_line(body));
    }
    std::string id;
    if (!s.generic.message_id_regex.empty()) {
        std::match_results<std::string_view::const_iterator> m;
        if (std::regex_search(body.begin(), body.end(), m, compiled(s.generic.message_id_regex))) {
            id = m.size() > 1 ? m[1].str() : m[0].str();
        }
    } else if (!s.generic.message_id.empty()) {
        const auto json = nlohmann::json::parse(body, nullptr, false);
        try {
            const auto& node = json.at(nlohmann::json::json_pointer(s.generic.message_id));
            id = node.is_string() ? node.get<std::string>() : node.dump();
        } catch (const std::exception&) {
            // No id where configured: still accepted; delivery reports match by {ref}.
        }
    }
    return outcome(verdict, status, id, "");
}

} // namespace

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

Result<HttpRequest> build_gateway_request(const GatewaySettings& s, const OutgoingSms& sms) {
    HttpRequest r;
    if (s.profile == "kannel") {
        const bool ucs2 = sms.encoding == SmsEncoding::ucs2;
        const std::string text = ucs2 ? utf16be(sms.text) : sms.text;
        // Built in place, one string for the whole URL: this runs for every SMS.
        auto dlr_url = callback_url(s, s.callback_segment, sms.ref);
        // The dlr-url escapes are Kannel's: %d report type, %T time, %A the SMSC's reply, %F
        // the SMSC's message id (sms.foreign_id).
        dlr_url += "&type=%d&ts=%T&reply=%A&smsc_id=%F";
        std::string& url = r.url;
        url.reserve(s.url.size() +
                    3 * (s.username.size() + s.secret.size() + s.sender.size() + sms.to.size() +
                         text.size() + dlr_url.size()) +
                    96);
        url += s.url;
        url += s.url.find('?') == std::string::npos ? '?' : '&';
        append_query(url, {{"username", s.username},
                           {"password", s.secret},
                           {"from", s.sender},
                           {"to", sms.to},
                           {"text", text}});
        url += ucs2 ? "&coding=2" : "&charset=UTF-8";
        url += "&dlr-mask=31&dlr-url=";
        append_url_encoded(url, dlr_url);
        r.method = "GET";
        return r;
    }
    if (s.profile == "africastalking") {
        r.method = "POST";
        r.url = s.url;
        r.headers = {"apiKey: " + s.secret, "Accept: application/json",
                     "Content-Type: application/x-www-form-urlencoded"};
        r.body = query({{"username", s.username}, {"to", sms.to}, {"message", sms.text}});
        if (!s.sender.empty()) {
            r.body += "&from=" + url_encode(s.sender);
        }
        return r;
    }
    if (s.profile == "twilio") {
        r.method = "POST";
        r.url = s.url;
        r.headers = {"Authorization: Basic " + base64(s.username + ":" + s.secret),
                     "Accept: application/json", "Content-Type: application/x-www-form-urlencoded"};
        r.body = query({{"To", sms.to},
                        {"From", s.sender},
                        {"Body", sms.text},
                        {"StatusCallback", callback_url(s, s.callback_segment, sms.ref)}});
        return r;
    }
    if (s.profile == "orange") {
        return orange_send_request(s, sms);
    }
    if (s.profile == "generic") {
        const bool json = s.generic.content_type == "application/json";
        const bool form = !json;
        r.method = s.generic.method;
        r.url = fill(s.url, s, sms, false, true);
        for (const auto& header : s.generic.headers) {
            r.headers.push_back(fill(header, s, sms, false, false));
        }
        r.headers.push_back("Content-Type: " + s.generic.content_type);
        if (r.method == "POST") {
            r.body = fill(s.generic.body, s, sms, json, form);
            if (json && nlohmann::json::parse(r.body, nullptr, false).is_discarded()) {
                return Error{"[gateway.generic] body does not give valid JSON: " + r.body};
            }
        }
        return r;
    }
    return Error{"unknown gateway profile " + s.profile};
}

SendOutcome read_gateway_reply(const GatewaySettings& s, int status, std::string_view body,
                               std::optional<std::chrono::seconds> retry_after,
                               std::string_view transport_error) {
    SendOutcome o;
    if (status == 0) {
        o = outcome(SendVerdict::transient, 0, "", std::string(transport_error));
    } else if (s.profile == "kannel") {
        o = read_kannel(status, body);
    } else if (s.profile == "africastalking") {
        o = read_africastalking(status, body);
    } else if (s.profile == "orange") {
        o = read_orange_reply(status, body);
    } else if (s.profile == "twilio") {
        o = read_twilio(status, body);
    } else {
        o = read_generic(s, status, body);
    }
    o.retry_after = retry_after;
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
