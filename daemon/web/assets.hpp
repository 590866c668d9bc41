// The console's static files (stylesheet, the message editor's script), embedded in the binary
// at build time (cmake/embed_assets.cmake) and served at names that carry a hash of their
// content, so a browser keeps them for a year and never runs a stale one; gzip-compressed once
// at start-up for the slow links they will cross.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kibaru::web {

struct EmbeddedFile {
    std::string_view name; // as in daemon/web/assets/
    std::string_view bytes;
};
// Generated: every file of daemon/web/assets/.
const std::vector<EmbeddedFile>& embedded_files();

struct Asset {
    std::string url; // /assets/<stem>.<hash>.<ext>
    std::string content_type;
    std::string_view bytes;
    std::string gzipped;
};

// The asset served at `path`, or null.
const Asset* find_asset(std::string_view path);
// The URL of the embedded file `name` ("app.css").
const std::string& asset_url(std::string_view name);

// `body` gzip-compressed (zlib, best compression).
std::string gzip(std::string_view body);

} // namespace kibaru::web
