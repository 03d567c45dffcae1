#include "web/service_form.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/money.hpp"
#include "core/time.hpp"
#include "web/i18n.hpp"

namespace incasso::web {
namespace {

namespace json = boost::json;

// Member `key` of `o` into `out` when present; it must be a text of at most 500 bytes.
Status Text(const json::object& o, std::string_view key, const std::string& path,
            std::string* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Ok();
  if (!v->is_string() || v->as_string().size() > 500) {
    return InvalidArgument(path + "." + std::string(key), "must be a text of at most 500 bytes");
  }
  *out = std::string(v->as_string());
  return Ok();
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
  auto amounts = ParseSpontaneousAmountForm(form_json);  // also: is it a JSON object at all
  if (!amounts.ok()) return amounts.error();
  form.amount_options = std::move(amounts->options);
  form.quantity = std::move(amounts->quantity);
  json::error_code ec;
  json::value doc = json::parse(form_json, ec);
  if (ec || !doc.is_object()) return InvalidArgument("formJson", "must be a JSON object");
  const json::object& root = doc.as_object();
  const json::value* fields = root.if_contains("fields");
  if (fields == nullptr) return form;
  if (!fields->is_array() || fields->as_array().size() > 10) {
    return InvalidArgument("formJson.fields", "must be an array of at most 10 fields");
  }
  for (std::size_t i = 0; i < fields->as_array().size(); ++i) {
    const std::string path = fmt::format("formJson.fields[{}]", i);
    const json::value& fv = fields->as_array()[i];
    if (!fv.is_object()) return InvalidArgument(path, "must be an object");
    const json::object& o = fv.as_object();
    FormField f;
    INCASSO_TRY(Text(o, "name", path, &f.name));
    if (!ValidName(f.name)) return InvalidArgument(path + ".name", "must match [a-z0-9_]{1,40}");
    for (const FormField& other : form.fields) {
      if (other.name == f.name) return InvalidArgument(path + ".name", "is used twice");
    }
    INCASSO_TRY(Text(o, "label", path, &f.label));
    if (f.label.empty()) f.label = f.name;
    INCASSO_TRY(Text(o, "label_en", path, &f.label_en));
    f.type.clear();
    INCASSO_TRY(Text(o, "type", path, &f.type));
    if (f.type.empty()) f.type = "text";
    if (f.type != "text" && f.type != "number" && f.type != "date" && f.type != "email" &&
        f.type != "select") {
      return InvalidArgument(path + ".type", "must be text, number, date, email or select");
    }
    if (const json::value* req = o.if_contains("required")) {
      if (!req->is_bool()) return InvalidArgument(path + ".required", "must be true or false");
      f.required = req->as_bool();
    }
    if (const json::value* m = o.if_contains("maxLength")) {
      if (!m->is_int64() || m->as_int64() < 1 || m->as_int64() > 140) {
        return InvalidArgument(path + ".maxLength", "must be an integer 1..140");
      }
      f.max_length = static_cast<int>(m->as_int64());
    }
    INCASSO_TRY(Text(o, "help", path, &f.help));
    INCASSO_TRY(Text(o, "help_en", path, &f.help_en));
    if (const json::value* opts = o.if_contains("options")) {
      if (!opts->is_array() || opts->as_array().size() > 50) {
        return InvalidArgument(path + ".options", "must be an array of at most 50 texts");
      }
      for (const json::value& ov : opts->as_array()) {
        if (!ov.is_string() || ov.as_string().empty() || ov.as_string().size() > 140) {
          return InvalidArgument(path + ".options", "each option is a text of 1 to 140 bytes");
        }
        f.options.emplace_back(ov.as_string());
      }
    }
    if (f.type == "select" && f.options.empty()) {
      return InvalidArgument(path + ".options", "a select needs options");
    }
    form.fields.push_back(std::move(f));
  }
  return form;
}

}  // namespace incasso::web
