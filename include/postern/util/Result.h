// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Error.h"

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace postern {

/**
 * Result<T> is Postern's expected-style return type: a value or an Error, never an
 * exception across a layer boundary. It is [[nodiscard]] so a failure cannot be dropped.
 */
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    [[nodiscard]] bool ok() const noexcept { return m_state.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] T& value() &
    {
        assert(ok());
        return std::get<0>(m_state);
    }
    [[nodiscard]] const T& value() const&
    {
        assert(ok());
        return std::get<0>(m_state);
    }
    /** value() on a temporary returns by value, so `for (x : f().value())` cannot dangle. */
    [[nodiscard]] T value() &&
    {
        assert(ok());
        return std::get<0>(std::move(m_state));
    }
    [[nodiscard]] const Error& error() const&
    {
        assert(!ok());
        return std::get<1>(m_state);
    }
    [[nodiscard]] Error&& error() &&
    {
        assert(!ok());
        return std::get<1>(std::move(m_state));
    }
    [[nodiscard]] Errc code() const noexcept { return ok() ? Errc::Ok : std::get<1>(m_state).code; }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Error> m_state;
};

/** Status is Result<void>: success or an Error. */
class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}

    [[nodiscard]] bool ok() const noexcept { return !m_error.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const Error& error() const&
    {
        assert(!ok());
        return *m_error;
    }
    [[nodiscard]] Error&& error() &&
    {
        assert(!ok());
        return std::move(*m_error);
    }
    [[nodiscard]] Errc code() const noexcept { return ok() ? Errc::Ok : m_error->code; }

private:
    std::optional<Error> m_error;
};

/** fail builds an Error in place: `return fail(Errc::TooLarge, "bundle exceeds ...");` */
[[nodiscard]] inline Error fail(Errc code, std::string message)
{
    return Error{code, std::move(message), false};
}

/** failOfCopy is fail() for a failure of the carrying copy, not of the file's content (Error::ofCopy). */
[[nodiscard]] inline Error failOfCopy(Errc code, std::string message)
{
    return Error{code, std::move(message), true};
}

} // namespace postern

#define POSTERN_CONCAT_INNER(a, b) a##b
#define POSTERN_CONCAT(a, b) POSTERN_CONCAT_INNER(a, b)

/** POSTERN_TRY propagates a failed Status/Result from the enclosing function. The temporary
 *  gets a unique name so a POSTERN_TRY inside a lambda inside another does not shadow. */
#define POSTERN_TRY(expr) POSTERN_TRY_IMPL(expr, POSTERN_CONCAT(postern_try_, __COUNTER__))
#define POSTERN_TRY_IMPL(expr, name)        \
    do {                                    \
        auto&& name = (expr);               \
        if (!name.ok())                     \
            return std::move(name).error(); \
    } while (false)

/** POSTERN_ASSIGN declares `var` from a Result or propagates its error. */
#define POSTERN_ASSIGN(var, expr)                       \
    auto postern_assign_##var = (expr);                 \
    if (!postern_assign_##var.ok())                     \
        return std::move(postern_assign_##var).error(); \
    auto var = std::move(postern_assign_##var).value()
