// The Region (intermediary), its stations, and the creditor institutions (entities) it serves,
// with their IBAN accounts and service catalogues. Plain data plus validation; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace incasso {

// The technological intermediary (idBrokerPA) that runs this deployment.
struct Intermediary {
  std::string fiscal_code;  // idBrokerPA, 11 digits
  std::string name;
  int aux_digit = 3;  // 3: segregation codes (SACI 3.0: intermediaries with >1 generation point)
};

// A station registered on the node (idStation), e.g. "80012345678_01".
struct Station {
  std::string id;
  std::string description;
  bool active = true;
};

enum class EntityStatus { kActive, kSuspended };
const char* ToString(EntityStatus s);
Result<EntityStatus> ParseEntityStatus(std::string_view text);

// Ente creditore. `id` is the tenant key every repository call takes.
struct Entity {
  std::int64_t id = 0;
  std::string fiscal_code;  // 11 digits, check digit verified
  std::string name;
  std::string department;  // settore / ufficio
  std::string address;
  std::string postal_code;
  std::string city;
  std::string province;  // 2 letters
  std::string email;
  std::string pec;
  std::string phone;
  std::string website;
  std::string logo;              // URL or path of the logo image
  std::string slug;              // landing page: /ente/<slug>; [a-z0-9-]{2,60}
  std::string segregation_code;  // 2 digits, unique within the intermediary (aux digit 3)
  std::string application_code;  // 2 digits, for aux digit 0; may be empty
  std::string cbill_code;        // 5 alphanumerics, may be empty
  std::string postal_account;    // conto corrente postale (up to 12 digits), may be empty
  std::string station_id;        // idStation serving this entity
  EntityStatus status = EntityStatus::kActive;
  Date onboarding_date{};
  // How its payment notices are printed (the logo PNG is stored apart: Store::GetNoticeLogo).
  std::string notice_language = "it";  // second language: it (none), de, en, fr, sl
  std::string postal_authorization;    // Poste's "AUT. DB/..." line on the postal slip
};

// Checks what an operator enters: every error names the field (JSON-style name).
Status ValidateEntity(const Entity& e);
// The logo printed on payment notices: a PNG (signature and IHDR checked) of at most
// kNoticeLogoMaxBytes, 16..2000 pixels a side. Errors name `field`.
inline constexpr std::size_t kNoticeLogoMaxBytes = 512 * 1024;
Status ValidateNoticeLogo(std::string_view png, std::string_view field = "noticeLogo");
// "[a-z0-9-]{2,60}", no leading/trailing dash.
Status ValidateSlug(std::string_view slug, std::string_view field = "slug");

enum class AccountKind { kBank, kPostal };
const char* ToString(AccountKind k);

struct IbanAccount {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string iban;
  AccountKind kind = AccountKind::kBank;  // derived from the IBAN (ABI 07601 = Poste Italiane)
  std::string label;
  Date valid_from{};
  bool active = true;
};

Status ValidateIbanAccount(const IbanAccount& a);

enum class AmountRule { kFixed, kFree, kRange };
const char* ToString(AmountRule r);
Result<AmountRule> ParseAmountRule(std::string_view text);

// One thing an entity collects (a fee, a tax, a fine), with its tariff.
struct Service {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string code;  // unique per entity, [A-Za-z0-9_-]{1,35}
  std::string name;
  std::string description;
  std::string taxonomy_code;  // transferCategory, e.g. "9/0101002IM/" or "0101002IM"
  std::string iban;           // credited IBAN; must be one of the entity's accounts
  AmountRule amount_rule = AmountRule::kFixed;
  std::int64_t amount_cents = 0;  // kFixed
  std::int64_t min_cents = 0;     // kRange
  std::int64_t max_cents = 0;     // kRange
  bool spontaneous = false;
  std::string form_json;  // form definition for spontaneous payments (JSON text); may be empty
  bool active = true;
};

Status ValidateService(const Service& s);
// pagoPA taxonomy (tassonomia) code: 7 digits + 2 letters, optionally wrapped as "9/<code>/".
Status ValidateTaxonomyCode(std::string_view code, std::string_view field);

}  // namespace incasso
