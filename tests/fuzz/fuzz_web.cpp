// What a browser or a script sends the console, on arbitrary bytes: the path matched against
// the API's real route table (captures percent-decoded), the query string, the Cookie header
// and the Origin. None may crash; a captured segment is never empty, a cookie value never
// holds the separator it was cut at, an origin has no path.
#include "core/callbacks.hpp"
#include "fuzz_check.hpp"
#include "web/api_routes.hpp"
#include "web/console.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace kibaru;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const web::Router<web::ApiHandler> router = [] {
        web::Router<web::ApiHandler> r;
        web::add_api_routes(r);
        return r;
    }();
    const std::string input(reinterpret_cast<const char*>(data), size);
    // Four fields separated by newlines: the request target, the Cookie header, the Origin,
    // the body of a form.
    std::string fields[4];
    std::size_t at = 0;
    for (auto& field : fields) {
        const auto end = input.find('\n', at);
        field = input.substr(std::min(at, input.size()),
                             end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? input.size() : end + 1;
    }
    const auto q = fields[0].find('?');
    const std::string path = fields[0].substr(0, q);
    const auto query = core::parse_params(q == std::string::npos ? "" : fields[0].substr(q + 1));
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "HEAD"}) {
        const auto match = router.find(method, path);
        if (match.route) {
            FUZZ_CHECK(match.path_known);
            for (const auto& [name, value] : match.captures) {
                FUZZ_CHECK(!name.empty() && !value.empty());
            }
        }
    }
    const auto session = web::cookie_value(fields[1], web::k_session_cookie);
    FUZZ_CHECK(session.find(';') == std::string::npos);
    const auto origin = web::origin_of(fields[2]);
    if (!origin.empty()) {
        FUZZ_CHECK(origin.find("://") != std::string::npos);
        FUZZ_CHECK(origin.find('/', origin.find("://") + 3) == std::string::npos);
    }
    (void)core::parse_params(fields[3]);
    (void)core::url_decode(input, false);
    return 0;
}
