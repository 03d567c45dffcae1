#include "domain/position.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <set>

#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/entity.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"

namespace incasso {
namespace {

constexpr std::array<const char*, 8> kPositionStatusNames = {
    "DRAFT", "PUBLISHED", "VALID", "INVALID", "EXPIRED", "PARTIALLY_PAID", "PAID", "REPORTED"};
constexpr std::array<const char*, 4> kOptionStatusNames = {"PO_UNPAID", "PO_PAID",
                                                           "PO_PARTIALLY_REPORTED", "PO_REPORTED"};

Status MaxLen(std::string_view value, size_t max, const std::string& field) {
  if (value.size() > max) {
    return InvalidArgument(
        field, fmt::format("is {} characters long; at most {} allowed", value.size(), max));
  }
  return Ok();
}

Status Required(std::string_view value, size_t max, const std::string& field) {
  if (value.empty()) return InvalidArgument(field, "is required");
  return MaxLen(value, max, field);
}

bool IsUpperPair(std::string_view s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

Status ValidateMetadata(const std::vector<Metadata>& md, const std::string& field) {
  if (md.size() > static_cast<size_t>(kMaxMetadata)) {
    return InvalidArgument(
        field, fmt::format("has {} entries; at most {} allowed", md.size(), kMaxMetadata));
  }
  for (size_t i = 0; i < md.size(); ++i) {
    std::string f = fmt::format("{}[{}]", field, i);
    INCASSO_TRY(Required(md[i].key, 140, f + ".key"));
    INCASSO_TRY(MaxLen(md[i].value, 140, f + ".value"));
  }
  return Ok();
}

Status ValidateDebtor(const Debtor& d) {
  // pagoPA ctEntityUniqueIdentifier: F = natural person (16-char code, or 11 digits for sole
  // traders), G = legal person (11 digits). "ANONIMO" is pagoPA's convention for an unknown debtor.
  if (d.fiscal_code.empty()) return InvalidArgument("fiscalCode", "is required");
  if (d.type == DebtorType::kLegal) {
    INCASSO_TRY(ValidateLegalEntityFiscalCode(d.fiscal_code, "fiscalCode"));
  } else if (d.fiscal_code != "ANONIMO") {
    INCASSO_TRY(ValidateFiscalCode(d.fiscal_code, "fiscalCode"));
  }
  INCASSO_TRY(Required(d.full_name, 70, "fullName"));
  INCASSO_TRY(MaxLen(d.street_name, 70, "streetName"));
  INCASSO_TRY(MaxLen(d.civic_number, 16, "civicNumber"));
  INCASSO_TRY(MaxLen(d.postal_code, 16, "postalCode"));
  INCASSO_TRY(MaxLen(d.city, 35, "city"));
  INCASSO_TRY(MaxLen(d.province, 35, "province"));
  INCASSO_TRY(MaxLen(d.region, 35, "region"));
  if (!d.country.empty() && !IsUpperPair(d.country)) {
    return InvalidArgument("country", "must be an ISO 3166 code of 2 capital letters, e.g. IT");
  }
  if (!d.email.empty()) {
    auto at = d.email.find('@');
    if (at == std::string::npos || at == 0 || d.email.find('.', at) == std::string::npos ||
        d.email.size() > 256 || d.email.find_first_of(" \t\r\n<>") != std::string::npos) {
      return InvalidArgument("email", "is not an e-mail address");
    }
  }
  INCASSO_TRY(MaxLen(d.phone, 30, "phone"));
  return Ok();
}

Status ValidateTransfer(const Transfer& t, const std::string& f,
                        std::string_view entity_fiscal_code, bool first) {
  if (t.id_transfer < 1 || t.id_transfer > kMaxTransfers) {
    return InvalidArgument(f + ".idTransfer", "must be 1 to 5");
  }
  INCASSO_TRY(CheckAmountCents(t.amount, f + ".amount"));
  if (!t.entity_fiscal_code.empty()) {
    INCASSO_TRY(ValidateLegalEntityFiscalCode(t.entity_fiscal_code, f + ".organizationFiscalCode"));
  }
  // The first transfer credits the creditor institution that owns the notice; the others may
  // credit secondary institutions (multi-beneficiary payments, paForNode ctTransferPA).
  if (first && !t.entity_fiscal_code.empty() && t.entity_fiscal_code != entity_fiscal_code) {
    return InvalidArgument(f + ".organizationFiscalCode",
                           fmt::format("the first transfer must credit the institution itself ({})",
                                       entity_fiscal_code));
  }
  INCASSO_TRY(Required(t.remittance_information, 140, f + ".remittanceInformation"));
  INCASSO_TRY(ValidateTaxonomyCode(t.category, f + ".category"));
  if (t.stamp) {
    // paGetPaymentV2 ctTransferPAV2: a choice between IBAN and richiestaMarcaDaBollo.
    if (!t.iban.empty() || !t.postal_iban.empty()) {
      return InvalidArgument(f + ".stamp", "a transfer has either an IBAN or a stamp, not both");
    }
    const Stamp& s = *t.stamp;
    if (s.hash_document.size() < 4 || s.hash_document.size() > 72) {
      return InvalidArgument(f + ".stamp.hashDocument", "must be base64 of 4 to 72 characters");
    }
    for (char c : s.hash_document) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=') {
        return InvalidArgument(f + ".stamp.hashDocument", "must be base64");
      }
    }
    if (s.stamp_type.size() != 2)
      return InvalidArgument(f + ".stamp.stampType", "must be 2 characters");
    if (!IsUpperPair(s.provincial_residence)) {
      return InvalidArgument(f + ".stamp.provincialResidence",
                             "must be 2 capital letters, e.g. RM");
    }
  } else {
    if (t.iban.empty()) return InvalidArgument(f + ".iban", "is required (or a stamp)");
    INCASSO_TRY(ValidateIban(t.iban, f + ".iban"));
    if (!t.postal_iban.empty()) {
      INCASSO_TRY(ValidateIban(t.postal_iban, f + ".postalIban"));
      if (!IsPostalIban(t.postal_iban)) {
        return InvalidArgument(f + ".postalIban", "is not a Poste Italiane IBAN (ABI 07601)");
      }
    }
  }
  INCASSO_TRY(MaxLen(t.company_name, 140, f + ".companyName"));
  INCASSO_TRY(ValidateMetadata(t.metadata, f + ".transferMetadata"));
  return Ok();
}

}  // namespace

const char* ToString(PositionStatus s) { return kPositionStatusNames[static_cast<size_t>(s)]; }

Result<PositionStatus> ParsePositionStatus(std::string_view text) {
  for (size_t i = 0; i < kPositionStatusNames.size(); ++i) {
    if (text == kPositionStatusNames[i]) return static_cast<PositionStatus>(i);
  }
  return InvalidArgument("status", fmt::format("unknown position status '{}'", text));
}

bool CanTransition(PositionStatus from, PositionStatus to) {
  using S = PositionStatus;
  switch (from) {
    case S::kDraft:  // editable; publish or cancel
      return to == S::kDraft || to == S::kPublished || to == S::kValid || to == S::kInvalid;
    case S::kPublished:  // waiting for its validity date
      return to == S::kValid || to == S::kInvalid || to == S::kExpired || to == S::kDraft;
    case S::kValid:
      return to == S::kPartiallyPaid || to == S::kPaid || to == S::kInvalid || to == S::kExpired;
    case S::kPartiallyPaid:
      return to == S::kPaid;
    case S::kPaid:
      return to == S::kReported;
    case S::kExpired:
    case S::kInvalid:
    case S::kReported:
      return false;
  }
  return false;
}

bool IsPayable(PositionStatus s) {
  return s == PositionStatus::kValid || s == PositionStatus::kPartiallyPaid;
}

const char* ToString(OptionStatus s) { return kOptionStatusNames[static_cast<size_t>(s)]; }

Result<OptionStatus> ParseOptionStatus(std::string_view text) {
  for (size_t i = 0; i < kOptionStatusNames.size(); ++i) {
    if (text == kOptionStatusNames[i]) return static_cast<OptionStatus>(i);
  }
  return InvalidArgument("status", fmt::format("unknown payment option status '{}'", text));
}

const char* ToString(DebtorType t) { return t == DebtorType::kPerson ? "F" : "G"; }

Result<DebtorType> ParseDebtorType(std::string_view text) {
  if (text == "F") return DebtorType::kPerson;
  if (text == "G") return DebtorType::kLegal;
  return InvalidArgument("type", "must be F (natural person) or G (legal person)");
}

Status ValidatePosition(const DebtPosition& p, std::string_view entity_fiscal_code, TimePoint now) {
  if (p.iupd.empty() || p.iupd.size() > 50) {
    return InvalidArgument("iupd", "must be 1 to 50 characters: letters, digits, '.', '_' or '-'");
  }
  for (char c : p.iupd) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return InvalidArgument("iupd", "may contain only letters, digits, '.', '_' or '-'");
    }
  }
  INCASSO_TRY(ValidateDebtor(p.debtor));
  INCASSO_TRY(Required(p.company_name, 140, "companyName"));
  INCASSO_TRY(MaxLen(p.office_name, 140, "officeName"));
  if (p.options.empty())
    return InvalidArgument("paymentOption", "at least one payment option is required");
  if (p.options.size() > static_cast<size_t>(kMaxOptions)) {
    return InvalidArgument("paymentOption", fmt::format("has {} options; at most {} allowed",
                                                        p.options.size(), kMaxOptions));
  }
  int singles = 0;
  std::set<std::string> iuvs;
  for (size_t i = 0; i < p.options.size(); ++i) {
    const PaymentOption& o = p.options[i];
    std::string f = fmt::format("paymentOption[{}]", i);
    if (!o.is_partial_payment) ++singles;
    INCASSO_TRY(CheckAmountCents(o.amount, f + ".amount"));
    INCASSO_TRY(Required(o.description, 140, f + ".description"));
    if (o.due_date < now) {
      return InvalidArgument(f + ".dueDate",
                             fmt::format("{} is in the past", FormatDateTime(o.due_date)));
    }
    if (p.validity_date && o.due_date < *p.validity_date) {
      return InvalidArgument(f + ".dueDate", "must not be before the position's validityDate");
    }
    if (o.retention_date && *o.retention_date < o.due_date) {
      return InvalidArgument(f + ".retentionDate", "must not be before dueDate");
    }
    if (o.fee < 0) return InvalidArgument(f + ".fee", "must not be negative");
    if (!o.iuv.empty() && !iuvs.insert(o.iuv).second) {
      return InvalidArgument(f + ".iuv", fmt::format("IUV {} is used by another option", o.iuv));
    }
    if (o.transfers.empty())
      return InvalidArgument(f + ".transfer", "at least one transfer is required");
    if (o.transfers.size() > static_cast<size_t>(kMaxTransfers)) {
      return InvalidArgument(f + ".transfer",
                             fmt::format("has {} transfers; pagoPA allows at most {}",
                                         o.transfers.size(), kMaxTransfers));
    }
    std::set<int> ids;
    std::int64_t sum = 0;
    for (size_t j = 0; j < o.transfers.size(); ++j) {
      const Transfer& t = o.transfers[j];
      std::string tf = fmt::format("{}.transfer[{}]", f, j);
      INCASSO_TRY(ValidateTransfer(t, tf, entity_fiscal_code, t.id_transfer == 1));
      if (!ids.insert(t.id_transfer).second) {
        return InvalidArgument(tf + ".idTransfer", fmt::format("{} is used twice", t.id_transfer));
      }
      sum += t.amount;  // each <= 999,999,999.99 and at most 5: no overflow
    }
    if (ids.count(1) == 0)
      return InvalidArgument(f + ".transfer", "a transfer with idTransfer 1 is required");
    if (sum != o.amount) {
      return InvalidArgument(f + ".transfer",
                             fmt::format("transfers add up to {} but the option amount is {}",
                                         FormatAmount(sum), FormatAmount(o.amount)));
    }
    INCASSO_TRY(ValidateMetadata(o.metadata, f + ".paymentOptionMetadata"));
  }
  if (singles > 1) {
    return InvalidArgument("paymentOption",
                           "at most one option may be a single payment (isPartialPayment false)");
  }
  return Ok();
}

PositionStatus InitialStatus(const DebtPosition& p, bool publish, TimePoint now) {
  if (!publish) return PositionStatus::kDraft;
  if (p.validity_date && *p.validity_date > now) return PositionStatus::kPublished;
  return PositionStatus::kValid;
}

}  // namespace incasso
