// multipart/form-data bodies (RFC 7578), as a browser sends a form with a file: the boundary
// from the Content-Type, then each part's name, file name and bytes. Pure parsing, bounded by
// the body it is given; malformed input yields an error, never a crash (fuzzed).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kibaru::web {

struct FormPart {
    std::string filename; // "" for a plain field
    std::string content;
};

// The parts by name (a later part of the same name wins), or nullopt when `content_type` is
// not multipart/form-data with a boundary or the body does not follow it.
std::optional<std::map<std::string, FormPart>> parse_multipart(std::string_view content_type,
                                                               std::string_view body);

} // namespace kibaru::web
