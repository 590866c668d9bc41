#include "core/profiles/support.hpp"

#include "core/json_number.hpp"

#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <limits>

namespace kibaru::core::profiles {

void append_query(std::string& out, Pairs params) {
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

std::string query(Pairs params) {
    std::string out;
    append_query(out, params);
    return out;
}

std::string callback_url(const GatewaySettings& s, std::string_view ref) {
    std::string_view base = s.public_url;
    while (!base.empty() && base.back() == '/') {
        base.remove_suffix(1);
    }
    std::string out;
    out.reserve(base.size() + s.callback_segment.size() + 3 * s.callback_token.size() + ref.size() +
                24);
    out += base;
    out += "/dlr/";
    out += s.callback_segment;
    out += '?';
    append_query(out, {{"token", s.callback_token}, {"ref", ref}});
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

SendOutcome by_status(int status, std::string_view body) {
    return outcome(verdict_for_status(status), status, "",
                   "HTTP " + std::to_string(status) + ": " + first_line(body));
}

std::string param(const Params& params, const std::string& name) {
    const auto it = params.find(name);
    return it == params.end() ? "" : it->second;
}

Result<InboundSms> inbound_from(const Params& params, const std::string& from_key,
                                const std::string& text_key, const std::string& id_key) {
    InboundSms sms;
    sms.from = param(params, from_key);
    sms.text = param(params, text_key);
    sms.gateway_message_id = param(params, id_key);
    if (sms.gateway_message_id.size() >= 2 && sms.gateway_message_id[0] == '%') {
        sms.gateway_message_id.clear(); // an escape the gateway did not expand (Kannel's %I)
    }
    if (sms.from.empty()) {
        return Error{"an incoming SMS needs its sender"};
    }
    if (!is_valid_utf8(sms.text)) {
        return Error{"the incoming text is not UTF-8"};
    }
    return sms;
}

std::string json_text(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) {
        return "";
    }
    const auto field = object.find(key);
    if (field == object.end() || field->is_null()) {
        return "";
    }
    return field->is_string() ? field->get<std::string>() : field->dump();
}

int json_int(const nlohmann::json& object, const char* key, int otherwise) {
    if (!object.is_object()) {
        return otherwise;
    }
    const auto field = object.find(key);
    if (field == object.end()) {
        return otherwise;
    }
    if (field->is_number_integer()) {
        const auto value = json_whole_number(*field);
        return value && *value >= std::numeric_limits<int>::min() &&
                       *value <= std::numeric_limits<int>::max()
                   ? static_cast<int>(*value)
                   : otherwise;
    }
    if (field->is_string()) {
        const auto& text = field->get_ref<const std::string&>();
        int value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        return ec == std::errc() && end == text.data() + text.size() && !text.empty() ? value
                                                                                      : otherwise;
    }
    return otherwise;
}

} // namespace kibaru::core::profiles
