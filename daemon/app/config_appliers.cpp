// The appliers every section of kibaru.toml is built from (a string, one of some words, a number
// in a range, a boolean, a list of strings) and the checks more than one section shares.
#include "app/config_appliers.hpp"

#include <algorithm>
#include <regex>
#include <sstream>
#include <utility>

namespace kibaru::app::config_keys {

Apply text(std::string& target, Check check) {
    return [&target, check](const toml::node& node) -> std::string {
        if (!node.is_string()) {
            return "must be a string";
        }
        const std::string value = *node.value<std::string>();
        if (check) {
            if (auto problem = check(value); !problem.empty()) {
                return problem;
            }
        }
        target = value;
        return "";
    };
}

Apply choice(std::string& target, std::vector<std::string> options) {
    return text(target, [options](const std::string& value) -> std::string {
        if (std::find(options.begin(), options.end(), value) != options.end()) {
            return "";
        }
        std::string list;
        for (const auto& o : options) {
            list += (list.empty() ? "" : ", ") + o;
        }
        return "must be one of " + list + " (not \"" + value + "\")";
    });
}

Apply integer(int& target, std::int64_t min, std::int64_t max) {
    return [&target, min, max](const toml::node& node) -> std::string {
        if (!node.is_integer()) {
            return "must be an integer";
        }
        const auto value = *node.value<std::int64_t>();
        if (value < min || value > max) {
            return "must be between " + std::to_string(min) + " and " + std::to_string(max);
        }
        target = static_cast<int>(value);
        return "";
    };
}

Apply number(double& target, double min, double max) {
    return [&target, min, max](const toml::node& node) -> std::string {
        if (!node.is_number()) {
            return "must be a number";
        }
        const double value = *node.value<double>();
        if (value < min || value > max) {
            std::ostringstream range;
            range << "must be between " << min << " and " << max;
            return range.str();
        }
        target = value;
        return "";
    };
}

Apply boolean(bool& target) {
    return [&target](const toml::node& node) -> std::string {
        if (!node.is_boolean()) {
            return "must be true or false";
        }
        target = *node.value<bool>();
        return "";
    };
}

Apply text_list(std::vector<std::string>& target, bool allow_empty, Check check) {
    return [&target, allow_empty, check](const toml::node& node) -> std::string {
        const auto* array = node.as_array();
        if (!array) {
            return "must be an array of strings";
        }
        std::vector<std::string> values;
        for (const auto& item : *array) {
            if (!item.is_string()) {
                return "must be an array of strings";
            }
            values.push_back(*item.value<std::string>());
            if (check) {
                if (auto problem = check(values.back()); !problem.empty()) {
                    return problem;
                }
            }
        }
        if (!allow_empty && values.empty()) {
            return "must not be empty";
        }
        target = std::move(values);
        return "";
    };
}

// Secrets are never written in the file, only the name of the variable holding them: a value
// that cannot be such a name is most likely the secret itself.
std::string check_env_name(const std::string& value) {
    static const std::regex k_name("[A-Za-z_][A-Za-z0-9_]*");
    if (value.empty() || std::regex_match(value, k_name)) {
        return "";
    }
    return "must be the name of an environment variable (e.g. KIBARU_GW_PASSWORD), not a secret";
}

std::string check_url(const std::string& value) {
    if (value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) {
        return "";
    }
    return "must be an http:// or https:// URL";
}

} // namespace kibaru::app::config_keys
