// Small encoders shared by the simulator's files (internal to src/nodesim and its tests).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace incasso::nodesim {

// RFC 4648 base64 with padding, no line breaks.
std::string Base64Encode(std::string_view data);
// Strict decoder (whitespace ignored); nullopt on any other non-alphabet character or bad padding.
std::optional<std::string> Base64Decode(std::string_view text);

// application/x-www-form-urlencoded: '+' is a space, %XX decoded; the first value of a key wins.
// Malformed escapes are kept literally.
std::map<std::string, std::string> ParseForm(std::string_view body);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string EscapeHtml(std::string_view text);

// Constant-time comparison for secrets (CSRF tokens).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace incasso::nodesim
