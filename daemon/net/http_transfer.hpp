// One request's side of libcurl: the easy handle, kept between requests with what stays the same
// from one SMS to the next (callbacks, protocols, the gateway's headers), set up for a request,
// and the response read back once curl is done with it. The multi interface on Asio, which runs
// the transfers, is http_client.cpp's. Internal to net/.
#pragma once

#include "net/http_port.hpp"

#include <curl/curl.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace kibaru::net::detail {

// An easy handle kept between requests, with the header list it was last given.
struct Handle {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::vector<std::string> header_lines; // what `headers` was built from
    std::string origin;                    // CURLOPT_URL when a request target is set, else empty
};

void release(Handle& handle);

// A request under way: owned through CURLOPT_PRIVATE while curl runs it.
struct Transfer {
    Handle handle;
    HttpResponse response;
    std::function<void(HttpResponse)> done;
    std::chrono::steady_clock::time_point started;
};

// curl takes proxies from the environment; a proxy needs the whole URL on the request line.
bool proxy_in_environment();

// A new easy handle with what every request shares. `close` closes its sockets (with
// `close_data`), so that the client's registration of each socket ends with it; `direct`: no
// proxy in the environment.
Handle new_handle(curl_closesocket_callback close, void* close_data, bool direct);

// Sets `transfer`'s handle for `request`, with `transfer` as its private data and the target of
// its body and header callbacks.
void prepare(Transfer& transfer, const core::HttpRequest& request,
             std::chrono::milliseconds timeout, bool direct);

// The transfer's response as curl ended it: status, or the error and whether the request
// certainly never left; and the latency since it started.
void read_result(Transfer& transfer, CURLcode result);

} // namespace kibaru::net::detail
