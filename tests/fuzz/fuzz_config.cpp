// The configuration loader on arbitrary text: every input is either a Config or a ConfigError
// naming the file; no other exception, no crash.
#include "app/config_loader.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)kibaru::app::parse_config(text, "fuzz.toml");
    } catch (const kibaru::app::ConfigError& e) {
        FUZZ_CHECK(std::string(e.what()).find("fuzz.toml") != std::string::npos);
    }
    return 0;
}
