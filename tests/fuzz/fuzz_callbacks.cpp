// Everything a gateway can send us, on arbitrary bytes: query/form decoding, the delivery-report
// and inbound-SMS parsers of every profile, keyword matching and the gateways' replies to our
// sends. None may crash; parsed reports carry one of the three states we know.
#include "core/callbacks.hpp"
#include "core/gateway.hpp"
#include "fuzz_check.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

using namespace kibaru::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const Params params = parse_params(input);
    for (const char* profile : {"kannel", "africastalking", "twilio", "generic", "orange"}) {
        if (const auto report = parse_delivery_report(profile, params)) {
            FUZZ_CHECK(report->state == DeliveryState::delivered ||
                       report->state == DeliveryState::failed ||
                       report->state == DeliveryState::sent);
        }
        if (const auto inbound = parse_inbound(profile, params)) {
            (void)match_keyword(inbound->text, {"STOP", "ARRET", "ARRÊT"}, {"START", "OK"});
        }
    }
    (void)fold_keyword(input);
    (void)twilio_signature("token", "https://example.org/dlr/twilio", params);

    GatewaySettings by_regex;
    by_regex.profile = "generic";
    by_regex.generic.message_id_regex = "id=([0-9a-f]+)";
    GatewaySettings settings;
    for (const char* profile : {"kannel", "africastalking", "twilio", "generic", "regex"}) {
        settings.profile = profile;
        for (const int status : {0, 200, 201, 202, 400, 403, 429, 500, 503}) {
            (void)read_gateway_reply(std::string_view(profile) == "regex" ? by_regex : settings,
                                     status, input, std::chrono::seconds(3),
                                     status == 0 ? "reset" : "");
        }
    }
    return 0;
}
