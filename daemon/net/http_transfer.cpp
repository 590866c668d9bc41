#include "net/http_transfer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <strings.h>

namespace kibaru::net::detail {

namespace {

constexpr std::size_t k_max_body = 64 * 1024;

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    auto& body = transfer->response.body;
    body.append(data, std::min(bytes, k_max_body - std::min(k_max_body, body.size())));
    return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    constexpr std::string_view k_name = "retry-after:";
    if (line.size() > k_name.size() &&
        strncasecmp(line.data(), k_name.data(), k_name.size()) == 0) {
        std::string_view value = line.substr(k_name.size());
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
            value.remove_suffix(1);
        }
        transfer->response.retry_after = core::parse_retry_after(value);
    }
    return bytes;
}

} // namespace

void release(Handle& handle) {
    curl_slist_free_all(handle.headers);
    curl_easy_cleanup(handle.easy);
}

bool proxy_in_environment() {
    for (const char* name :
         {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
        const char* value = std::getenv(name);
        if (value && *value) {
            return true;
        }
    }
    return false;
}

Handle new_handle(curl_closesocket_callback close, void* close_data, bool direct) {
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, close_data);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    if (direct) {
        // No proxy in the environment now: spares curl reading it again for every request.
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
    }
    Handle handle;
    handle.easy = easy;
    return handle;
}

void prepare(Transfer& transfer, const core::HttpRequest& request,
             std::chrono::milliseconds timeout, bool direct) {
    auto& handle = transfer.handle;
    CURL* easy = handle.easy;
    // curl 7.88 copies a URL's path and query to the request line, and re-assembles the whole
    // URL when it parses it, one character at a time through its printf: for a Kannel GET of
    // some 350 characters that was a sixth of the CPU of a broadcast. Given the target as
    // CURLOPT_REQUEST_TARGET and only the origin as the URL, it sends the same bytes with a
    // copy. (The target is a suffix of the URL, so it ends with the URL's terminating NUL.)
    const auto split = direct ? core::split_request_target(request.url) : std::nullopt;
    if (split) {
        if (handle.origin != split->origin) {
            handle.origin = split->origin;
            curl_easy_setopt(easy, CURLOPT_URL, handle.origin.c_str());
        }
        curl_easy_setopt(easy, CURLOPT_REQUEST_TARGET, split->target.data());
    } else {
        handle.origin.clear();
        curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(easy, CURLOPT_REQUEST_TARGET, nullptr);
    }
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(timeout.count(), 5000)));
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    if (request.method == "POST") {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    } else {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L); // undoes a POST of an earlier request
    }
    if (handle.header_lines != request.headers || !handle.headers) {
        curl_slist_free_all(handle.headers);
        handle.headers = nullptr;
        for (const auto& header : request.headers) {
            handle.headers = curl_slist_append(handle.headers, header.c_str());
        }
        // No "Expect: 100-continue" round trip for our small bodies.
        handle.headers = curl_slist_append(handle.headers, "Expect:");
        handle.header_lines = request.headers;
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, handle.headers);
    }
}

void read_result(Transfer& transfer, CURLcode result) {
    auto& response = transfer.response;
    response.latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - transfer.started);
    if (result == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(transfer.handle.easy, CURLINFO_RESPONSE_CODE, &status);
        response.status = static_cast<int>(status);
    } else {
        response.status = 0;
        response.error = curl_easy_strerror(result);
        response.never_sent =
            result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST ||
            result == CURLE_COULDNT_RESOLVE_PROXY || result == CURLE_SSL_CONNECT_ERROR ||
            result == CURLE_PEER_FAILED_VERIFICATION || result == CURLE_UNSUPPORTED_PROTOCOL ||
            result == CURLE_URL_MALFORMAT;
    }
}

} // namespace kibaru::net::detail
