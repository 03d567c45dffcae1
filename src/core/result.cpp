#include "core/result.hpp"

namespace incasso {

const char* ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kRetry:
      return "retry";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::ToText() const {
  if (field.empty()) return message;
  return field + ": " + message;
}

Error InvalidArgument(std::string field, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(field), std::move(message), {}};
}
Error NotFound(std::string message) {
  return Error{ErrorCode::kNotFound, {}, std::move(message), {}};
}
Error Conflict(std::string field, std::string message) {
  return Error{ErrorCode::kConflict, std::move(field), std::move(message), {}};
}
Error Internal(std::string message, std::string detail) {
  return Error{ErrorCode::kInternal, {}, std::move(message), std::move(detail)};
}
Error Unavailable(std::string message, std::string detail) {
  return Error{ErrorCode::kUnavailable, {}, std::move(message), std::move(detail)};
}

}  // namespace incasso
