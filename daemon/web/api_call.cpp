#include "web/api_call.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::web {

std::string ApiCall::param(const std::string& name, const std::string& fallback) const {
    const auto it = query.find(name);
    return it == query.end() || it->second.empty() ? fallback : it->second;
}

const char* error_code(ops::ErrorKind kind) {
    switch (kind) {
    case ops::ErrorKind::invalid:
        return "invalid";
    case ops::ErrorKind::malformed:
        return "malformed";
    case ops::ErrorKind::not_found:
        return "not_found";
    case ops::ErrorKind::conflict:
        return "conflict";
    case ops::ErrorKind::forbidden:
        return "forbidden";
    case ops::ErrorKind::too_many:
        return "too_many";
    case ops::ErrorKind::unauthorized:
        return "unauthorized";
    }
    return "invalid";
}

int http_status(ops::ErrorKind kind) {
    switch (kind) {
    case ops::ErrorKind::invalid:
        return 422;
    case ops::ErrorKind::malformed:
        return 400;
    case ops::ErrorKind::not_found:
        return 404;
    case ops::ErrorKind::conflict:
        return 409;
    case ops::ErrorKind::forbidden:
        return 403;
    case ops::ErrorKind::too_many:
        return 429;
    case ops::ErrorKind::unauthorized:
        return 401;
    }
    return 422;
}

net::Reply json_reply(int status, const util::Json& body) {
    return {status, body.dump() + "\n", "application/json; charset=utf-8"};
}

net::Reply error_reply(ops::ErrorKind kind, const std::string& message, const std::string& field,
                       std::int64_t retry_after_seconds) {
    util::Json body = {{"error", error_code(kind)}, {"message", message}};
    if (!field.empty()) {
        body["field"] = field;
    }
    auto reply = json_reply(http_status(kind), body);
    if (kind == ops::ErrorKind::too_many) {
        reply.headers.emplace_back(
            "Retry-After", std::to_string(retry_after_seconds > 0 ? retry_after_seconds : 900));
    }
    return reply;
}

net::Reply error_reply(const ops::Error& error) {
    return error_reply(error.kind, error.message, error.field, error.retry_after_seconds);
}

net::Reply malformed_reply(const std::string& message, const std::string& field) {
    return error_reply(ops::ErrorKind::malformed, message, field);
}

} // namespace kibaru::web
