// What several gateway profiles write alike: form and query strings, the delivery-report URL
// handed to a gateway, a reply's outcome and first line, a parameter's value. Internal to
// core/profiles/.
#pragma once

#include "core/callbacks.hpp"
#include "core/delivery.hpp"
#include "core/gateway.hpp"

#include <nlohmann/json_fwd.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace kibaru::core::profiles {

using Pairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Appends "name=value&name=value" (values encoded) to `out`.
void append_query(std::string& out, Pairs params);
std::string query(Pairs params);

// {public_url}/dlr/{callback segment}?token=...&ref=...: where a gateway posts the report of
// the SMS `ref`.
std::string callback_url(const GatewaySettings& settings, std::string_view ref);

SendOutcome outcome(SendVerdict verdict, int status, std::string id, std::string error);
// At most 200 characters of the body's first line, for an error message.
std::string first_line(std::string_view body);
// "HTTP 500: <first line>", with the verdict the status gives.
SendOutcome by_status(int status, std::string_view body);

// A field of a gateway's JSON reply whatever type the gateway gave it (a reply is never trusted to
// have the type its documentation says: nlohmann's value() throws on a mismatch): a string as it
// is, "" when `object` is no object or the field is absent or null, any other value as JSON text.
std::string json_text(const nlohmann::json& object, const char* key);
// An integer field: its value when it is a whole number within int (or a string of one, "102"),
// else `otherwise`.
int json_int(const nlohmann::json& object, const char* key, int otherwise);

// The parameter's value, "" when absent.
std::string param(const Params& params, const std::string& name);
// An incoming SMS from the parameters that carry its sender, text and message id.
Result<InboundSms> inbound_from(const Params& params, const std::string& from_key,
                                const std::string& text_key, const std::string& id_key);

} // namespace kibaru::core::profiles
