#include "core/xlsx_zip.hpp"

#include <zip.h>

#include <utility>

namespace kibaru::core {

namespace {

std::string libzip_message(int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    return message;
}

} // namespace

std::string size_text(std::uint64_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
        return std::to_string(bytes >> 20) + " MiB";
    }
    if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) {
        return std::to_string(bytes >> 10) + " KiB";
    }
    return std::to_string(bytes) + " bytes";
}

Result<std::unique_ptr<Zip>> Zip::open(std::string_view bytes, std::uint64_t max_inflated) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
        std::string message = zip_error_strerror(&error);
        zip_error_fini(&error);
        return Error{"cannot read the workbook (" + message + ")"};
    }
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
        zip_source_free(source); // not taken over by a failed open
        const int code = zip_error_code_zip(&error);
        std::string detail = zip_error_strerror(&error);
        zip_error_fini(&error);
        if (code == ZIP_ER_NOZIP) {
            return Error{"is not an .xlsx workbook (not a zip archive, or a truncated one)"};
        }
        return Error{"is not a readable .xlsx workbook: the zip archive is damaged (" + detail +
                     ")"};
    }
    zip_error_fini(&error);
    return std::unique_ptr<Zip>(new Zip(archive, max_inflated));
}

Zip::Zip(zip* archive, std::uint64_t max_inflated)
    : m_archive(archive), m_max(max_inflated), m_left(max_inflated) {}

Zip::~Zip() {
    zip_discard(m_archive); // read only: nothing to write back
}

bool Zip::has(const std::string& name) const {
    return zip_name_locate(m_archive, name.c_str(), ZIP_FL_NOCASE) >= 0;
}

std::string Zip::budget_message() const {
    return "the workbook is larger than " + size_text(m_max) +
           " when uncompressed (a zip bomb?): refused";
}

Result<ZipEntry> Zip::open_entry(const std::string& name) {
    const zip_int64_t index = zip_name_locate(m_archive, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) {
        return Error{"the workbook has no " + name};
    }
    const auto i = static_cast<zip_uint64_t>(index);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(m_archive, i, 0, &stat) != 0) {
        return Error{name + ": " + zip_strerror(m_archive)};
    }
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
        return Error{"the workbook is encrypted: save it again without a password"};
    }
    // Declared sizes are checked first so that an honest bomb costs nothing; a lying one is
    // caught by counting (ZipEntry::read).
    if ((stat.valid & ZIP_STAT_SIZE) == 0) {
        return Error{"the workbook is damaged: " + name + " has no size in its zip header"};
    }
    const std::uint64_t declared = stat.size;
    if (declared > m_left) {
        return Error{budget_message()};
    }
    zip_file_t* file = zip_fopen_index(m_archive, i, 0);
    if (file == nullptr) {
        const int code = zip_error_code_zip(zip_get_error(m_archive));
        if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD) {
            return Error{"the workbook is encrypted: save it again without a password"};
        }
        return Error{"cannot read " + name + " in the workbook (" + libzip_message(code) + ")"};
    }
    return ZipEntry(*this, file, name, declared);
}

ZipEntry::ZipEntry(Zip& archive, zip_file* file, std::string name, std::uint64_t declared)
    : m_archive(&archive), m_file(file), m_name(std::move(name)), m_declared(declared) {}

ZipEntry::ZipEntry(ZipEntry&& other) noexcept
    : m_archive(other.m_archive), m_file(std::exchange(other.m_file, nullptr)),
      m_name(std::move(other.m_name)), m_declared(other.m_declared), m_inflated(other.m_inflated) {}

ZipEntry& ZipEntry::operator=(ZipEntry&& other) noexcept {
    if (this != &other) {
        if (m_file != nullptr) {
            zip_fclose(m_file);
        }
        m_archive = other.m_archive;
        m_file = std::exchange(other.m_file, nullptr);
        m_name = std::move(other.m_name);
        m_declared = other.m_declared;
        m_inflated = other.m_inflated;
    }
    return *this;
}

ZipEntry::~ZipEntry() {
    if (m_file != nullptr) {
        zip_fclose(m_file);
    }
}

Result<std::size_t> ZipEntry::read(char* out, std::size_t size) {
    const zip_int64_t got = zip_fread(m_file, out, size);
    if (got < 0) {
        const int code = zip_error_code_zip(zip_file_get_error(m_file));
        return Error{"the workbook is damaged: cannot read " + m_name + " (" +
                     libzip_message(code) + ")"};
    }
    const auto n = static_cast<std::uint64_t>(got);
    if (n > m_archive->m_left) {
        return Error{m_archive->budget_message()};
    }
    m_archive->m_left -= n;
    m_inflated += n;
    // An honest zip declares each entry's size. One that inflates past it is a bomb trying to
    // slip under the check in open_entry (libzip only notices at the end, if ever): stopped at
    // once rather than after inflating the whole budget.
    if (m_inflated > m_declared) {
        return Error{"the workbook is damaged: " + m_name + " inflates to more than the " +
                     std::to_string(m_declared) + " bytes its zip header declares: refused"};
    }
    return static_cast<std::size_t>(n);
}

} // namespace kibaru::core
