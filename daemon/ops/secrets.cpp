#include "ops/secrets.hpp"

#include "core/audit.hpp"

#include <sodium.h>

#include <stdexcept>

namespace kibaru::ops {

namespace {

void ensure_sodium() {
    static const int ready = sodium_init();
    if (ready < 0) {
        throw std::runtime_error("libsodium cannot be initialised");
    }
}

} // namespace

std::string hash_password(std::string_view password) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("not enough memory to hash a password");
    }
    return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
    ensure_sodium();
    const std::string terminated(hash);
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::string_view prefix) {
    ensure_sodium();
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char encoded[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return std::string(prefix) + encoded;
}

std::string token_hash(std::string_view token) {
    return core::sha256_hex(token);
}

std::string csrf_token_for(std::string_view session_token) {
    return core::sha256_hex("kibaru csrf\n" + std::string(session_token));
}

} // namespace kibaru::ops
