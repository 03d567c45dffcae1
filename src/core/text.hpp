// Text helpers shared by every module that writes markup (HTML pages, XML messages).
#pragma once

#include <string>
#include <string_view>

namespace incasso {

// Escapes &, <, >, " and ' (as &#39;, valid in both HTML and XML) so that `text` can be placed
// in element content or a quoted attribute value.
std::string EscapeMarkup(std::string_view text);

}  // namespace incasso
