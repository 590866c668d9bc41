#include "web/assets.hpp"

#include "core/audit.hpp"

#include <zlib.h>

#include <map>
#include <stdexcept>

namespace kibaru::web {

namespace {

std::string content_type_of(std::string_view name) {
    if (name.ends_with(".css")) {
        return "text/css; charset=utf-8";
    }
    if (name.ends_with(".js")) {
        return "text/javascript; charset=utf-8";
    }
    if (name.ends_with(".svg")) {
        return "image/svg+xml";
    }
    return "application/octet-stream";
}

const std::map<std::string, Asset, std::less<>>& assets_by_name() {
    static const std::map<std::string, Asset, std::less<>> assets = [] {
        std::map<std::string, Asset, std::less<>> by_name;
        for (const auto& file : embedded_files()) {
            const std::string name(file.name);
            const auto dot = name.rfind('.');
            Asset asset;
            asset.url = "/assets/" + name.substr(0, dot) + "." +
                        core::sha256_hex(file.bytes).substr(0, 12) + name.substr(dot);
            asset.content_type = content_type_of(name);
            asset.bytes = file.bytes;
            asset.gzipped = gzip(file.bytes);
            by_name.emplace(name, std::move(asset));
        }
        return by_name;
    }();
    return assets;
}

} // namespace

std::string gzip(std::string_view body) {
    z_stream z{};
    // 15 + 16: a gzip wrapper rather than a bare zlib stream, as Content-Encoding: gzip wants.
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
    std::string out(deflateBound(&z, static_cast<uLong>(body.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        throw std::runtime_error("zlib: deflate failed");
    }
    return out;
}

const Asset* find_asset(std::string_view path) {
    for (const auto& [name, asset] : assets_by_name()) {
        if (asset.url == path) {
            return &asset;
        }
    }
    return nullptr;
}

const std::string& asset_url(std::string_view name) {
    const auto& assets = assets_by_name();
    const auto found = assets.find(name);
    if (found == assets.end()) {
        throw std::logic_error("no embedded asset " + std::string(name));
    }
    return found->second.url;
}

} // namespace kibaru::web
