// Which contact each delivery of a week is for, sealed when the week opens: the `week.opened`
// audit entry holds this digest, and `audit verify` recomputes it, so that a delivery moved to
// another contact, or a contact's phone changed, after the opening is caught. SHA-256 over
// "kibaru-audience-v1\n" then, for each delivery of the week in id order, its id, contact_id
// and the contact's phone in the audit framing (<length>:<bytes>\n; a missing contact's phone
// framed as empty), so that scripts/verify-audit.py recomputes it too.
#pragma once

#include "core/audit.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace kibaru::store {

class Database;

class AudienceDigest {
public:
    AudienceDigest();
    // contact_id as SQLite gives it as text (empty for a NULL, as the framing says).
    void add(std::int64_t delivery_id, std::string_view contact_id, std::string_view phone);
    std::string hex(); // finishes the digest

private:
    core::Sha256 m_sha;
};

// The digest of the deliveries first_id..last_id (one week's), read from `db`.
std::string audience_digest(Database& db, std::int64_t first_id, std::int64_t last_id);

} // namespace kibaru::store
