// The audit chain: each entry's hash is SHA-256 over the previous entry's hash and the entry's
// own fields, so editing, deleting, inserting or reordering any entry breaks every hash after it.
//
// The hashed bytes are documented here so an auditor can recompute them with sha256sum:
//   "kibaru-audit-v1\n" then, for prev_hash, seq, at, actor, action, subject, details in that
//   order, the field as <decimal byte length>:<bytes>\n  (a netstring-like framing, so no
//   choice of field contents can make two different entries hash the same input).
// The first entry's prev_hash is k_audit_genesis.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kibaru::core {

inline constexpr std::string_view k_audit_genesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEntry {
    std::int64_t seq = 0; // 1, 2, 3, ... without gaps
    std::string at;       // ISO 8601 UTC
    std::string actor;
    std::string action;  // e.g. "contacts.import", "contacts.optout"
    std::string subject; // what was acted on: a phone, a campaign id, a file name
    std::string details; // JSON object
};

// The bytes hashed for `entry` chained after `prev_hash` (see the format above).
std::string audit_hash_input(std::string_view prev_hash, const AuditEntry& entry);

// Lower-case hex SHA-256 of audit_hash_input(prev_hash, entry).
std::string audit_hash(std::string_view prev_hash, const AuditEntry& entry);

// Lower-case hex SHA-256 of arbitrary bytes.
std::string sha256_hex(std::string_view bytes);

// SHA-256 over many pieces, for digests of large ranges of rows without holding them.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view bytes);
    // Appends one field in the audit framing: <decimal length>:<bytes>\n.
    void field(std::string_view bytes);
    std::string hex(); // finishes the digest

private:
    void flush();
    void* m_ctx;
    // Bytes not yet handed to OpenSSL: one EVP_DigestUpdate per few KiB instead of three per
    // field, whose fixed cost was most of the hashing of a seal (SHA-256 is the same either way).
    std::string m_pending;
};

} // namespace kibaru::core
