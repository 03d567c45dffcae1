// Result<T>: expected failures as values (STYLE.md rule 4).
//
// An Error carries a machine code, the name of the offending field (if any), a public message that
// may be shown to a clerk or an API client, and an internal detail that only goes to the logs.
// Exceptions are reserved for broken infrastructure and are caught at the transport boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace incasso {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong; field + message say why
  kNotFound,         // the addressed thing does not exist (in this tenant)
  kConflict,         // unique key taken, or a state transition not allowed
  kUnavailable,      // a dependency (database) cannot be reached right now
  kRetry,            // transient: serialization failure, busy database
  kForbidden,        // authenticated but not allowed (wrong tenant)
  kInternal,         // a bug or an unexpected infrastructure failure
};

const char* ToString(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string field;    // e.g. "paymentOption[0].transfer[1].iban"; empty if not about one field
  std::string message;  // public text, safe to show
  std::string detail;   // internal, for logs only; never sent to a client

  // "field: message" or just "message".
  std::string ToText() const;
};

Error InvalidArgument(std::string field, std::string message);
Error NotFound(std::string message);
Error Conflict(std::string field, std::string message);
Error Internal(std::string message, std::string detail = {});
Error Unavailable(std::string message, std::string detail = {});

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Preconditions: ok() for value(), !ok() for error().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }
  Error& error() { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;
inline Status Ok() { return {}; }

}  // namespace incasso

// Propagates an error from an expression yielding Result<...> or Status.
#define INCASSO_TRY(expr)                                              \
  do {                                                                 \
    auto incasso_try_status_ = (expr);                                 \
    if (!incasso_try_status_.ok()) return incasso_try_status_.error(); \
  } while (0)
