#include "core/audit_checkpoint.hpp"

#include <algorithm>
#include <sstream>

namespace kibaru::core {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    });
    return out;
}

bool all_of_set(std::string_view text, std::string_view set) {
    return !text.empty() && text.find_first_not_of(set) == std::string_view::npos;
}

} // namespace

std::string checkpoint_text(const AuditCheckpoint& checkpoint) {
    return "KIBARU AUDIT " + std::to_string(checkpoint.seq) + " " +
           checkpoint.head.substr(0, k_checkpoint_hex);
}

Result<CheckpointClaim> parse_checkpoint(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    if (words.size() >= 4 && lower(words[0]) == "kibaru" && lower(words[1]) == "audit") {
        words.erase(words.begin(), words.begin() + 2);
    }
    if (words.size() == 4 && lower(words[2]) == "prev") {
        words.resize(2); // the witness SMS names the checkpoint before it: not part of the claim
    }
    const std::string quoted = "\"" + std::string(text) + "\"";
    if (words.size() != 2) {
        return Error{quoted + " is not a checkpoint: write it as SEQ HEX (e.g. \"42 "
                              "0123456789abcdef\") or as the SMS reads"};
    }
    if (!all_of_set(words[0], "0123456789") || words[0].size() > 18 || words[0] == "0") {
        return Error{quoted + ": the entry number " + words[0] + " is not a positive number"};
    }
    const auto hex = lower(words[1]);
    if (!all_of_set(hex, "0123456789abcdef") || hex.size() > 64) {
        return Error{quoted + ": " + words[1] + " is not a hexadecimal hash"};
    }
    if (hex.size() < k_checkpoint_hex) {
        return Error{quoted + ": at least " + std::to_string(k_checkpoint_hex) +
                     " hex digits of the hash are needed (" + std::to_string(hex.size()) +
                     " given)"};
    }
    return CheckpointClaim{std::stoll(words[0]), hex, std::string(text)};
}

Result<std::vector<CheckpointClaim>> parse_checkpoint_lines(std::string_view text,
                                                            std::string_view name) {
    std::vector<CheckpointClaim> claims;
    std::size_t number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
            line.remove_suffix(1);
        }
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') {
            continue;
        }
        auto claim = parse_checkpoint(line);
        if (!claim) {
            return Error{std::string(name) + ":" + std::to_string(number) + ": " +
                         claim.error().message};
        }
        claims.push_back(std::move(*claim));
    }
    return claims;
}

std::optional<std::string> checkpoint_mismatch(const CheckpointClaim& claim,
                                               const std::optional<std::string>& hash_now) {
    const std::string named = "checkpoint " + std::to_string(claim.seq) + " " + claim.hex;
    if (!hash_now) {
        return named + " names an entry the log no longer has: the log was cut after it was "
                       "witnessed";
    }
    if (hash_now->rfind(claim.hex, 0) != 0) {
        return named + " no longer matches (entry " + std::to_string(claim.seq) +
               " now hashes to " + hash_now->substr(0, claim.hex.size()) +
               "): the log was rewritten after it was witnessed";
    }
    return std::nullopt;
}

} // namespace kibaru::core
