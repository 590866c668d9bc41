#include "util/logging.hpp"

#include "util/mask.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

namespace kibaru::util {

namespace {

// Forwards each message to the real sinks with phone numbers masked in its text.
class MaskingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit MaskingSink(std::vector<spdlog::sink_ptr> sinks) : m_sinks(std::move(sinks)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string masked =
            mask_phones(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy(msg);
        copy.payload = spdlog::string_view_t(masked.data(), masked.size());
        for (auto& child : m_sinks) {
            if (child->should_log(copy.level)) {
                child->log(copy);
            }
        }
    }
    void flush_() override {
        for (auto& child : m_sinks) {
            child->flush();
        }
    }

private:
    std::vector<spdlog::sink_ptr> m_sinks;
};

spdlog::level::level_enum shifted(spdlog::level::level_enum level, int verbosity) {
    const int value =
        std::clamp(static_cast<int>(level) - verbosity, static_cast<int>(spdlog::level::trace),
                   static_cast<int>(spdlog::level::off));
    return static_cast<spdlog::level::level_enum>(value);
}

} // namespace

std::string setup_logging(const core::LogConfig& config, const LogOptions& options) {
    const auto base = shifted(spdlog::level::from_str(config.level), options.verbosity);
    std::string warning;

    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%^%l%$: %v");
    console->set_level(options.quiet_console && options.verbosity <= 0
                           ? std::max(base, spdlog::level::warn)
                           : base);
    std::vector<spdlog::sink_ptr> sinks{console};

    if (!config.file.empty()) {
        try {
            const std::filesystem::path path(config.file);
            if (path.has_parent_path()) {
                std::filesystem::create_directories(path.parent_path());
            }
            auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                config.file, static_cast<std::size_t>(config.max_file_bytes),
                static_cast<std::size_t>(config.max_files));
            file->set_formatter(std::make_unique<spdlog::pattern_formatter>(
                "%Y-%m-%dT%H:%M:%S.%eZ %l [%P] %v", spdlog::pattern_time_type::utc));
            file->set_level(base);
            sinks.push_back(file);
        } catch (const std::exception& e) {
            warning = "cannot write log file " + config.file + ": " + e.what();
        }
    }

    spdlog::sink_ptr root;
    if (config.mask_phones) {
        root = std::make_shared<MaskingSink>(std::move(sinks));
    }
    auto logger = root ? std::make_shared<spdlog::logger>("kibaru", root)
                       : std::make_shared<spdlog::logger>("kibaru", sinks.begin(), sinks.end());
    logger->set_level(base);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    if (!warning.empty()) {
        spdlog::warn("{}", warning);
    }
    return warning;
}

} // namespace kibaru::util
