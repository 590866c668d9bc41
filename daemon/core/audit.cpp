#include "core/audit.hpp"

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <stdexcept>

namespace kibaru::core {

namespace {

void frame(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out.push_back(':');
    out.append(field);
    out.push_back('\n');
}

} // namespace

std::string audit_hash_input(std::string_view prev_hash, const AuditEntry& entry) {
    std::string input = "kibaru-audit-v1\n";
    input.reserve(input.size() + prev_hash.size() + entry.at.size() + entry.actor.size() +
                  entry.action.size() + entry.subject.size() + entry.details.size() + 64);
    frame(input, prev_hash);
    frame(input, std::to_string(entry.seq));
    frame(input, entry.at);
    frame(input, entry.actor);
    frame(input, entry.action);
    frame(input, entry.subject);
    frame(input, entry.details);
    return input;
}

std::string sha256_hex(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) !=
        1) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(k_hex[digest[i] >> 4]);
        hex.push_back(k_hex[digest[i] & 0x0F]);
    }
    return hex;
}

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), EVP_sha256(), nullptr);
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx));
}

namespace {
constexpr std::size_t k_hash_chunk = 16 * 1024;
}

void Sha256::flush() {
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), m_pending.data(), m_pending.size());
    m_pending.clear();
}

void Sha256::update(std::string_view bytes) {
    m_pending.append(bytes);
    if (m_pending.size() >= k_hash_chunk) {
        flush();
    }
}

void Sha256::field(std::string_view bytes) {
    char length[24];
    const auto end = std::to_chars(length, length + sizeof length, bytes.size()).ptr;
    m_pending.append(length, end);
    m_pending.push_back(':');
    m_pending.append(bytes);
    m_pending.push_back('\n');
    if (m_pending.size() >= k_hash_chunk) {
        flush();
    }
}

std::string Sha256::hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    flush();
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), digest.data(), &length);
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(k_hex[digest[i] >> 4]);
        out.push_back(k_hex[digest[i] & 0x0F]);
    }
    return out;
}

std::string audit_hash(std::string_view prev_hash, const AuditEntry& entry) {
    return sha256_hex(audit_hash_input(prev_hash, entry));
}

} // namespace kibaru::core
