#include "web/service_form.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/money.hpp"
#include "core/time.hpp"
#include "web/i18n.hpp"

namespace incasso::web {
namespace {

namespace json = boost::json;

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::int64_t> Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

bool ValidName(const std::string& n) {
  return !n.empty() && n.size() <= 40 &&
         n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

std::size_t Utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string FormField::HtmlType() const {
  if (type == "number") return "text";  // inputmode numeric; "number" inputs mangle locales
  if (type == "date") return "date";
  if (type == "email") return "email";
  return "text";
}

std::optional<std::string> FormField::Check(const std::string& value, bool /*en*/,
                                            const Catalogs& catalogs,
                                            const std::string& lang) const {
  if (value.empty()) {
    if (required) return catalogs.Text(lang, "err_required");
    return std::nullopt;
  }
  if (Utf8Length(value) > static_cast<std::size_t>(max_length) ||
      value.find_first_of("\r\n\t") != std::string::npos) {
    return fmt::format(fmt::runtime(catalogs.Text(lang, "err_too_long")), max_length);
  }
  if (type == "select" && std::find(options.begin(), options.end(), value) == options.end()) {
    return catalogs.Text(lang, "err_choice");
  }
  if (type == "number" && value.find_first_not_of("0123456789") != std::string::npos) {
    return fmt::format(fmt::runtime(catalogs.Text(lang, "err_number")), 0, "999999");
  }
  if (type == "date" && !ParseDate(value).ok()) return catalogs.Text(lang, "err_required");
  if (type == "email" &&
      (value.find('@') == std::string::npos || value.find(' ') != std::string::npos)) {
    return catalogs.Text(lang, "err_email");
  }
  return std::nullopt;
}

Result<ServiceForm> ParseServiceForm(const std::string& form_json) {
  ServiceForm form;
  if (form_json.empty()) return form;
  json::error_code ec;
  json::value doc = json::parse(form_json, ec);
  if (ec || !doc.is_object()) return InvalidArgument("formJson", "must be a JSON object");
  const json::object& root = doc.as_object();
  if (const json::value* fields = root.if_contains("fields")) {
    if (!fields->is_array() || fields->as_array().size() > 10) {
      return InvalidArgument("formJson.fields", "must be an array of at most 10 fields");
    }
    for (std::size_t i = 0; i < fields->as_array().size(); ++i) {
      const std::string path = fmt::format("formJson.fields[{}]", i);
      const json::value& fv = fields->as_array()[i];
      if (!fv.is_object()) return InvalidArgument(path, "must be an object");
      const json::object& o = fv.as_object();
      FormField f;
      f.name = Str(o, "name");
      if (!ValidName(f.name)) return InvalidArgument(path + ".name", "must match [a-z0-9_]{1,40}");
      f.label = Str(o, "label");
      if (f.label.empty()) f.label = f.name;
      f.label_en = Str(o, "label_en");
      f.type = Str(o, "type");
      if (f.type.empty()) f.type = "text";
      if (f.type != "text" && f.type != "number" && f.type != "date" && f.type != "email" &&
          f.type != "select") {
        return InvalidArgument(path + ".type", "must be text, number, date, email or select");
      }
      const json::value* req = o.if_contains("required");
      f.required = req != nullptr && req->is_bool() && req->as_bool();
      if (auto m = Int(o, "maxLength")) {
        if (*m < 1 || *m > 140) return InvalidArgument(path + ".maxLength", "must be 1..140");
        f.max_length = static_cast<int>(*m);
      }
      f.help = Str(o, "help");
      f.help_en = Str(o, "help_en");
      if (const json::value* opts = o.if_contains("options"); opts != nullptr && opts->is_array()) {
        for (const json::value& ov : opts->as_array()) {
          if (ov.is_string()) f.options.emplace_back(ov.as_string());
        }
      }
      if (f.type == "select" && f.options.empty()) {
        return InvalidArgument(path + ".options", "a select needs options");
      }
      form.fields.push_back(std::move(f));
    }
  }
  if (const json::value* opts = root.if_contains("amountOptions")) {
    if (!opts->is_array() || opts->as_array().empty() || opts->as_array().size() > 20) {
      return InvalidArgument("formJson.amountOptions", "must be an array of 1 to 20 options");
    }
    for (std::size_t i = 0; i < opts->as_array().size(); ++i) {
      const std::string path = fmt::format("formJson.amountOptions[{}]", i);
      if (!opts->as_array()[i].is_object()) return InvalidArgument(path, "must be an object");
      const json::object& o = opts->as_array()[i].as_object();
      AmountOption a{Str(o, "label"), Str(o, "label_en"), Int(o, "cents").value_or(0)};
      if (a.label.empty()) return InvalidArgument(path + ".label", "is required");
      if (!CheckAmountCents(a.cents, path + ".cents").ok()) {
        return InvalidArgument(path + ".cents", "must be 1..99999999999 euro cents");
      }
      form.amount_options.push_back(std::move(a));
    }
  }
  if (const json::value* q = root.if_contains("quantity")) {
    if (!q->is_object()) return InvalidArgument("formJson.quantity", "must be an object");
    const json::object& o = q->as_object();
    QuantityRule rule{Str(o, "label"), Str(o, "label_en"), Int(o, "min").value_or(1),
                      Int(o, "max").value_or(100)};
    if (rule.min < 1 || rule.max < rule.min || rule.max > 1000) {
      return InvalidArgument("formJson.quantity", "needs 1 <= min <= max <= 1000");
    }
    form.quantity = std::move(rule);
  }
  if (form.quantity && !form.amount_options.empty()) {
    return InvalidArgument("formJson", "amountOptions and quantity exclude each other");
  }
  return form;
}

}  // namespace incasso::web
