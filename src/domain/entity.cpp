#include "domain/entity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/money.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"

namespace incasso {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool AllAlnum(std::string_view s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status CheckLength(std::string_view value, size_t max, std::string_view field, bool required) {
  if (required && value.empty()) return InvalidArgument(std::string(field), "is required");
  if (value.size() > max) {
    return InvalidArgument(
        std::string(field),
        fmt::format("is {} characters long; at most {} allowed", value.size(), max));
  }
  return Ok();
}

// Minimal e-mail shape check (pagoPA stEMail is a permissive pattern too): one '@', a dot after it.
Status CheckEmail(std::string_view value, std::string_view field) {
  if (value.empty()) return Ok();
  auto at = value.find('@');
  if (at == std::string_view::npos || at == 0 ||
      value.find('@', at + 1) != std::string_view::npos ||
      value.find('.', at) == std::string_view::npos || value.back() == '.' || value.size() > 256 ||
      value.find_first_of(" \t\r\n<>") != std::string_view::npos) {
    return InvalidArgument(std::string(field), "is not an e-mail address");
  }
  return Ok();
}

}  // namespace

const char* ToString(EntityStatus s) { return s == EntityStatus::kActive ? "active" : "suspended"; }

Result<EntityStatus> ParseEntityStatus(std::string_view text) {
  if (text == "active") return EntityStatus::kActive;
  if (text == "suspended") return EntityStatus::kSuspended;
  return InvalidArgument("status", "must be 'active' or 'suspended'");
}

Status ValidateSlug(std::string_view slug, std::string_view field) {
  if (slug.size() < 2 || slug.size() > 60) {
    return InvalidArgument(std::string(field), "must be 2 to 60 characters: a-z, 0-9 and '-'");
  }
  for (char c : slug) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return InvalidArgument(std::string(field), "may contain only a-z, 0-9 and '-'");
    }
  }
  if (slug.front() == '-' || slug.back() == '-') {
    return InvalidArgument(std::string(field), "must not start or end with '-'");
  }
  return Ok();
}

Status ValidateEntity(const Entity& e) {
  INCASSO_TRY(ValidateLegalEntityFiscalCode(e.fiscal_code, "fiscalCode"));
  INCASSO_TRY(CheckLength(e.name, 140, "name", true));
  INCASSO_TRY(CheckLength(e.department, 140, "department", false));
  INCASSO_TRY(CheckLength(e.address, 140, "address", false));
  INCASSO_TRY(CheckLength(e.city, 60, "city", false));
  if (!e.postal_code.empty() && (e.postal_code.size() != 5 || !AllDigits(e.postal_code))) {
    return InvalidArgument("postalCode", "must be 5 digits (CAP)");
  }
  if (!e.province.empty() &&
      (e.province.size() != 2 || !std::isupper(static_cast<unsigned char>(e.province[0])) ||
       !std::isupper(static_cast<unsigned char>(e.province[1])))) {
    return InvalidArgument("province", "must be 2 capital letters, e.g. PZ");
  }
  INCASSO_TRY(CheckEmail(e.email, "email"));
  INCASSO_TRY(CheckEmail(e.pec, "pec"));
  INCASSO_TRY(CheckLength(e.phone, 30, "phone", false));
  INCASSO_TRY(CheckLength(e.website, 200, "website", false));
  INCASSO_TRY(CheckLength(e.logo, 500, "logo", false));
  INCASSO_TRY(ValidateSlug(e.slug, "slug"));
  // SACI 3.0: the segregation code (2n) identifies the archive portion behind aux digit 3; it is
  // assigned to the intermediary by PagoPA S.p.A. (00..49; 50..99 are partly reserved).
  if (e.segregation_code.size() != 2 || !AllDigits(e.segregation_code)) {
    return InvalidArgument("segregationCode", "must be 2 digits, e.g. 01");
  }
  if (!e.application_code.empty() &&
      (e.application_code.size() != 2 || !AllDigits(e.application_code))) {
    return InvalidArgument("applicationCode", "must be 2 digits or empty");
  }
  if (!e.cbill_code.empty() && (e.cbill_code.size() != 5 || !AllAlnum(e.cbill_code))) {
    return InvalidArgument("cbillCode", "must be 5 letters or digits");
  }
  if (!e.postal_account.empty() && (e.postal_account.size() > 12 || !AllDigits(e.postal_account))) {
    return InvalidArgument("postalAccount", "must be up to 12 digits");
  }
  INCASSO_TRY(CheckLength(e.station_id, 35, "stationId", false));
  static constexpr std::string_view kNoticeLanguages[] = {"it", "de", "en", "fr", "sl"};
  if (std::find(std::begin(kNoticeLanguages), std::end(kNoticeLanguages), e.notice_language) ==
      std::end(kNoticeLanguages)) {
    return InvalidArgument("noticeLanguage", "must be it (Italian only), de, en, fr or sl");
  }
  INCASSO_TRY(CheckLength(e.postal_authorization, 100, "postalAuthorization", false));
  if (e.postal_authorization.find_first_of("\r\n\t") != std::string::npos) {
    return InvalidArgument("postalAuthorization", "must be one line");
  }
  return Ok();
}

Status ValidateNoticeLogo(std::string_view png, std::string_view field) {
  const std::string f(field);
  if (png.size() > kNoticeLogoMaxBytes) {
    return InvalidArgument(f,
                           "is larger than " + std::to_string(kNoticeLogoMaxBytes / 1024) + " KiB");
  }
  // Signature, then the IHDR chunk: length 13, type, width, height (big-endian).
  static constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (png.size() < 8 + 8 + 13 + 4 || png.substr(0, 8) != kSignature ||
      png.substr(12, 4) != "IHDR") {
    return InvalidArgument(f, "is not a PNG image");
  }
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  if (be32(8) != 13) return InvalidArgument(f, "is not a PNG image");
  const std::uint32_t width = be32(16);
  const std::uint32_t height = be32(20);
  if (width < 16 || height < 16 || width > 2000 || height > 2000) {
    return InvalidArgument(f, "must be 16 to 2000 pixels wide and high, not " +
                                  std::to_string(width) + "x" + std::to_string(height));
  }
  return Ok();
}

const char* ToString(AccountKind k) { return k == AccountKind::kBank ? "bank" : "postal"; }

Status ValidateIbanAccount(const IbanAccount& a) {
  INCASSO_TRY(ValidateIban(a.iban, "iban"));
  INCASSO_TRY(CheckLength(a.label, 140, "label", false));
  return Ok();
}

const char* ToString(AmountRule r) {
  switch (r) {
    case AmountRule::kFixed:
      return "fixed";
    case AmountRule::kFree:
      return "free";
    case AmountRule::kRange:
      return "range";
  }
  return "fixed";
}

Result<AmountRule> ParseAmountRule(std::string_view text) {
  if (text == "fixed") return AmountRule::kFixed;
  if (text == "free") return AmountRule::kFree;
  if (text == "range") return AmountRule::kRange;
  return InvalidArgument("amountRule", "must be 'fixed', 'free' or 'range'");
}

Status ValidateTaxonomyCode(std::string_view code, std::string_view field) {
  // pagoPA taxonomy: <entity type 2n><macro area 2n><service type 3n><legal reason 2 letters>,
  // e.g. 0101002IM; transfers often carry it as "9/0101002IM/" (datiSpecificiRiscossione form).
  std::string_view core = code;
  if (core.size() == 12 && core.substr(0, 2) == "9/" && core.back() == '/') {
    core = core.substr(2, 9);
  }
  bool ok = core.size() == 9 && AllDigits(core.substr(0, 7)) &&
            std::isupper(static_cast<unsigned char>(core[7])) &&
            std::isupper(static_cast<unsigned char>(core[8]));
  if (!ok) {
    return InvalidArgument(std::string(field),
                           "must be a pagoPA taxonomy code such as 0101002IM or 9/0101002IM/");
  }
  return Ok();
}

Status ValidateService(const Service& s) {
  if (s.code.empty() || s.code.size() > 35) {
    return InvalidArgument("code", "must be 1 to 35 characters: letters, digits, '_' or '-'");
  }
  for (char c : s.code) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return InvalidArgument("code", "may contain only letters, digits, '_' or '-'");
    }
  }
  INCASSO_TRY(CheckLength(s.name, 140, "name", true));
  INCASSO_TRY(CheckLength(s.description, 1000, "description", false));
  INCASSO_TRY(ValidateTaxonomyCode(s.taxonomy_code, "taxonomyCode"));
  INCASSO_TRY(ValidateIban(s.iban, "iban"));
  switch (s.amount_rule) {
    case AmountRule::kFixed:
      INCASSO_TRY(CheckAmountCents(s.amount_cents, "amount"));
      break;
    case AmountRule::kRange:
      INCASSO_TRY(CheckAmountCents(s.min_cents, "minAmount"));
      INCASSO_TRY(CheckAmountCents(s.max_cents, "maxAmount"));
      if (s.min_cents > s.max_cents) {
        return InvalidArgument("maxAmount", "must not be below minAmount");
      }
      break;
    case AmountRule::kFree:
      break;
  }
  if (s.form_json.size() > 64 * 1024) {
    return InvalidArgument("form", "form definition is larger than 64 KiB");
  }
  return Ok();
}

}  // namespace incasso
