// Passwords and tokens: Argon2id password hashes (libsodium), random tokens for sessions and
// scripts, and the hashes kept of them. Pure computation; hashing a password takes about a
// tenth of a second and 64 MiB on purpose, so servers run it off their event loop.
#pragma once

#include <string>
#include <string_view>

namespace kibaru::ops {

// An Argon2id hash in libsodium's string form ($argon2id$v=19$m=65536,t=2,p=1$...).
std::string hash_password(std::string_view password);
// True when `password` matches `hash`. A malformed hash matches nothing.
bool verify_password(std::string_view hash, std::string_view password);

// `prefix` followed by 43 characters of base64url: 256 random bits.
std::string random_token(std::string_view prefix);
// What is stored of a token: its SHA-256, hex.
std::string token_hash(std::string_view token);
// The CSRF token of a session: derived from its secret token, so it needs no storage and only
// whoever holds the session can know it.
std::string csrf_token_for(std::string_view session_token);

} // namespace kibaru::ops
