#include "web/multipart.hpp"

#include <cctype>

namespace kibaru::web {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The value of `name=...` in a header value such as `form-data; name="file"; filename="a.csv"`.
std::string parameter(std::string_view header, std::string_view name) {
    const std::string lowered = lower(header);
    std::size_t at = 0;
    while ((at = lowered.find(std::string(name) + "=", at)) != std::string::npos) {
        const bool starts = at == 0 || lowered[at - 1] == ';' || lowered[at - 1] == ' ';
        at += name.size() + 1;
        if (!starts) {
            continue;
        }
        if (at < header.size() && header[at] == '"') {
            const auto end = header.find('"', at + 1);
            return std::string(header.substr(
                at + 1, end == std::string_view::npos ? std::string_view::npos : end - at - 1));
        }
        const auto end = header.find(';', at);
        std::string value(
            header.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        while (!value.empty() && value.back() == ' ') {
            value.pop_back();
        }
        return value;
    }
    return "";
}

} // namespace

std::optional<std::map<std::string, FormPart>> parse_multipart(std::string_view content_type,
                                                               std::string_view body) {
    if (lower(content_type).rfind("multipart/form-data", 0) != 0) {
        return std::nullopt;
    }
    const std::string boundary = parameter(content_type, "boundary");
    if (boundary.empty() || boundary.size() > 200) {
        return std::nullopt;
    }
    const std::string delimiter = "--" + boundary;
    std::map<std::string, FormPart> parts;
    std::size_t at = body.find(delimiter);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    for (;;) {
        at += delimiter.size();
        if (body.substr(at, 2) == "--") {
            return parts; // the closing delimiter
        }
        if (body.substr(at, 2) != "\r\n") {
            return std::nullopt;
        }
        at += 2;
        const auto headers_end = body.find("\r\n\r\n", at);
        if (headers_end == std::string_view::npos) {
            return std::nullopt;
        }
        const auto headers = body.substr(at, headers_end - at);
        const auto content_start = headers_end + 4;
        const auto next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) {
            return std::nullopt;
        }
        std::string name;
        FormPart part;
        std::size_t line_start = 0;
        while (line_start <= headers.size()) {
            const auto line_end = headers.find("\r\n", line_start);
            const auto line = headers.substr(line_start, line_end == std::string_view::npos
                                                             ? std::string_view::npos
                                                             : line_end - line_start);
            if (lower(line).rfind("content-disposition:", 0) == 0) {
                name = parameter(line, "name");
                part.filename = parameter(line, "filename");
            }
            if (line_end == std::string_view::npos) {
                break;
            }
            line_start = line_end + 2;
        }
        part.content = std::string(body.substr(content_start, next - content_start));
        if (!name.empty()) {
            parts[name] = std::move(part);
        }
        at = next + 2;
    }
}

} // namespace kibaru::web
