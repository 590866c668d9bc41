// Audit checkpoints: the head of the audit chain at a moment (its seq and hash), in a short form
// a witness can keep on a phone, and the check that the chain still has that hash at that seq.
// A hash chain alone proves nothing against whoever holds the database file (the framing is
// public, so every later hash can be recomputed after an edit); a checkpoint kept outside the
// server can: an entry rewritten after it was witnessed no longer hashes to what was witnessed.
// Pure computation.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

struct AuditCheckpoint {
    std::int64_t seq = 0; // the entry at the head
    std::string head;     // its hash, 64 hex digits
    std::string at;       // when it was appended
};

inline constexpr std::size_t k_checkpoint_hex = 16; // digits in the short form, and the least
                                                    // a claim may give

// "KIBARU AUDIT 42 0123456789abcdef": what a witness receives by SMS.
std::string checkpoint_text(const AuditCheckpoint& checkpoint);

// What a witness says the chain was: entry `seq` hashed to something starting with `hex`.
struct CheckpointClaim {
    std::int64_t seq = 0;
    std::string hex;     // lower case, 16 to 64 digits
    std::string written; // as given, for messages
};

// "SEQ HEX" or the SMS's "KIBARU AUDIT SEQ HEX [prev SEQ]" (any case, extra spaces allowed). Fails
// naming what is wrong: no seq, a hex part shorter than 16 digits or not hexadecimal.
Result<CheckpointClaim> parse_checkpoint(std::string_view text);

// A file of checkpoints, one per line as a witness copies them; blank lines and lines starting
// with '#' are skipped. Fails at the first bad line, naming `name:line`.
Result<std::vector<CheckpointClaim>> parse_checkpoint_lines(std::string_view text,
                                                            std::string_view name);

// Why the chain contradicts `claim`, given the hash its entry `seq` has now (nullopt when the
// chain has no such entry); nullopt when the claim holds.
std::optional<std::string> checkpoint_mismatch(const CheckpointClaim& claim,
                                               const std::optional<std::string>& hash_now);

} // namespace kibaru::core
