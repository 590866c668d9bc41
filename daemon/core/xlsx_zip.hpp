// The zip container of a workbook, read with libzip from bytes already in memory. Every entry is
// read against one budget of inflated bytes shared by the whole archive: a zip bomb (a few
// kilobytes that inflate to gigabytes) runs out of budget, whatever sizes its headers declare.
#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct zip;
struct zip_file;

namespace kibaru::core {

// A limit in messages: "1024 MiB", "512 KiB", "100 bytes".
std::string size_text(std::uint64_t bytes);

class Zip;

// One entry being inflated, chunk by chunk.
class ZipEntry {
public:
    ZipEntry(ZipEntry&&) noexcept;
    ZipEntry& operator=(ZipEntry&&) noexcept;
    ~ZipEntry();

    // Inflates up to `size` bytes into `out`: the count (0 at the end), or an Error (damaged
    // data, or the archive's budget of inflated bytes spent).
    Result<std::size_t> read(char* out, std::size_t size);

    const std::string& name() const { return m_name; }
    std::uint64_t declared_size() const { return m_declared; }
    std::uint64_t inflated() const { return m_inflated; }

private:
    friend class Zip;
    ZipEntry(Zip& archive, zip_file* file, std::string name, std::uint64_t declared);

    Zip* m_archive;
    zip_file* m_file;
    std::string m_name;
    std::uint64_t m_declared;
    std::uint64_t m_inflated = 0;
};

class Zip {
public:
    // Opens the archive in `bytes`, which must outlive it. At most `max_inflated` bytes are
    // inflated over all the entries read.
    static Result<std::unique_ptr<Zip>> open(std::string_view bytes, std::uint64_t max_inflated);
    ~Zip();
    Zip(const Zip&) = delete;
    Zip& operator=(const Zip&) = delete;

    // Whether the archive holds `name` (part names are compared ignoring case, as OPC says).
    bool has(const std::string& name) const;
    // Opens `name` for reading. Fails when it is missing, encrypted, or declares more bytes than
    // the budget has left (refused before inflating anything).
    Result<ZipEntry> open_entry(const std::string& name);

    // "the workbook is larger than N MiB when uncompressed (a zip bomb?): refused"
    std::string budget_message() const;

private:
    friend class ZipEntry;
    Zip(zip* archive, std::uint64_t max_inflated);

    zip* m_archive;
    std::uint64_t m_max;
    std::uint64_t m_left;
};

} // namespace kibaru::core
