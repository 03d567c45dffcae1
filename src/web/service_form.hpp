// The form of a spontaneous-payment service, read from Service::form_json.
//
// form_json (all keys optional; an empty text is a form without extra fields):
//   {"fields": [{"name": "causale", "label": "Causale", "label_en": "Reason",
//                "type": "text" | "number" | "date" | "email" | "select",
//                "required": true, "maxLength": 140, "help": "...", "help_en": "...",
//                "options": ["A", "B"]  (select only)}],
//    "amountOptions": [{"label": "Tariffa intera", "label_en": "Full fee", "cents": 4500}],
//    "quantity": {"label": "Numero di pasti", "label_en": "Meals", "min": 1, "max": 50}}
// "amountOptions" lets the citizen choose the amount; "quantity" multiplies the service's fixed
// tariff (both parsed and enforced by app::ParseSpontaneousAmountForm). Without either the amount
// follows the service's rule (fixed, free, range). Older definitions ({"fields": [...]} only) keep
// working unchanged; unknown keys are ignored (room for later ones); a known key with the wrong
// type is an error. Limits: 10 fields, 50 select options of at most 140 bytes each, texts of at
// most 500 bytes, nesting 32 levels (Boost.JSON's default).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/portal.hpp"
#include "core/result.hpp"

namespace incasso::web {

class Catalogs;

struct FormField {
  std::string name;  // [a-z0-9_]{1,40}
  std::string label, label_en;
  std::string type = "text";
  bool required = false;
  int max_length = 140;  // 1..140 (a transfer's metadata value)
  std::string help, help_en;
  std::vector<std::string> options;  // select only; 1..50

  const std::string& Label(bool en) const { return en && !label_en.empty() ? label_en : label; }
  const std::string& Help(bool en) const { return en && !help_en.empty() ? help_en : help; }
  std::string HtmlType() const;  // the <input type>
  // Why `value` is not acceptable (in the page's language), or nullopt.
  std::optional<std::string> Check(const std::string& value, bool en, const Catalogs& catalogs,
                                   const std::string& lang) const;
};

// The amount part of a form is the app's (app/portal.hpp), which enforces it.
using AmountOption = incasso::AmountChoice;
using QuantityRule = incasso::QuantityLimits;

struct ServiceForm {
  std::vector<FormField> fields;  // at most 10
  std::vector<AmountOption> amount_options;
  std::optional<QuantityRule> quantity;
};

// InvalidArgument naming the JSON path for a malformed definition.
Result<ServiceForm> ParseServiceForm(const std::string& form_json);

}  // namespace incasso::web
