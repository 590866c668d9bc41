// Result<T>: a value or an Error, for failures a caller is expected to handle (a bad CSV row, a
// bad phone number, a config mistake). Unexpected failures (a broken database) are exceptions
// caught in app::main, which picks the exit code.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kibaru::core {

struct Error {
    std::string message;
    // The one input at fault, when a caller that took several can tell ("send_day"), as the
    // API's JSON key and the console form's input; empty when none or several are.
    std::string field = {};
};

// A value, or the error E that prevented it. Each layer names its own error type: core::Result
// below, ops::Result (ops/error.hpp) with the operations' kinds of error.
template <typename T, typename E>
class [[nodiscard]] BasicResult {
public:
    BasicResult(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    BasicResult(E error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { return std::get<1>(m_v); }
    // The value, or `fallback` on an error (for tests and defaults).
    T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, E> m_v;
};

template <typename T>
using Result = BasicResult<T, Error>;

} // namespace kibaru::core
