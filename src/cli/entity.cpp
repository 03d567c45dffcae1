// incasso entity add|list|show|update: the Region's staff manage creditor institutions.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>

#include "api/gpd_json.hpp"
#include "app/documents.hpp"
#include "app/entities.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {
namespace {

// Flag name -> member, shared by add and update.
struct EntityFlags {
  std::map<std::string, std::string> values;
  std::string status;
  std::string onboarding_date;
  std::string notice_logo;  // a PNG file

  // The --notice-logo file, read and validated before anything is written; nullopt if not given.
  Result<std::optional<std::string>> NoticeLogo(CLI::App* cmd) const {
    if (cmd->count("--notice-logo") == 0) return std::optional<std::string>();
    if (notice_logo.empty()) return std::optional<std::string>(std::string());
    std::ifstream in(notice_logo, std::ios::binary);
    if (!in) return InvalidArgument("noticeLogo", "cannot read " + notice_logo);
    std::string png(kNoticeLogoMaxBytes + 1, '\0');
    in.read(png.data(), static_cast<std::streamsize>(png.size()));
    png.resize(static_cast<std::size_t>(in.gcount()));
    INCASSO_TRY(ValidateNoticeLogo(png, "noticeLogo"));
    return std::optional<std::string>(std::move(png));
  }

  void Register(CLI::App* cmd, bool fiscal_code_required) {
    auto* fc = cmd->add_option("--fiscal-code", values["fiscal-code"],
                               "11-digit fiscal code of the institution");
    if (fiscal_code_required) fc->required();
    for (const char* name : {"name", "department", "address", "postal-code", "city", "province",
                             "email", "pec", "phone", "website", "logo", "slug", "segregation-code",
                             "application-code", "cbill-code", "postal-account", "station"}) {
      cmd->add_option(std::string("--") + name, values[name]);
    }
    cmd->add_option("--notice-language", values["notice-language"],
                    "second language of printed notices: it (Italian only), de, en, fr, sl");
    cmd->add_option("--postal-authorization", values["postal-authorization"],
                    "Poste authorization line on the postal slip (AUT. DB/...)");
    cmd->add_option("--notice-logo", notice_logo,
                    "PNG printed on payment notices (\"\" removes it)");
    cmd->add_option("--status", status, "active or suspended");
    cmd->add_option("--onboarding-date", onboarding_date, "YYYY-MM-DD (default: today)");
  }

  // Overwrites the fields of `e` given on the command line (all of them for add).
  Status Apply(CLI::App* cmd, Entity& e) const {
    auto given = [&](const char* name) { return cmd->count(std::string("--") + name) > 0; };
    struct Field {
      const char* flag;
      std::string Entity::*member;
    };
    static const Field kFields[] = {
        {"fiscal-code", &Entity::fiscal_code},
        {"name", &Entity::name},
        {"department", &Entity::department},
        {"address", &Entity::address},
        {"postal-code", &Entity::postal_code},
        {"city", &Entity::city},
        {"province", &Entity::province},
        {"email", &Entity::email},
        {"pec", &Entity::pec},
        {"phone", &Entity::phone},
        {"website", &Entity::website},
        {"logo", &Entity::logo},
        {"slug", &Entity::slug},
        {"segregation-code", &Entity::segregation_code},
        {"application-code", &Entity::application_code},
        {"cbill-code", &Entity::cbill_code},
        {"postal-account", &Entity::postal_account},
        {"station", &Entity::station_id},
        {"notice-language", &Entity::notice_language},
        {"postal-authorization", &Entity::postal_authorization},
    };
    for (const auto& f : kFields) {
      if (given(f.flag)) e.*f.member = values.at(f.flag);
    }
    if (given("status")) {
      auto s = ParseEntityStatus(status);
      if (!s.ok()) return s.error();
      e.status = *s;
    }
    if (given("onboarding-date")) {
      auto d = ParseDate(onboarding_date, "onboardingDate");
      if (!d.ok()) return d.error();
      e.onboarding_date = *d;
    }
    return Ok();
  }
};

}  // namespace

void AddEntityCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto* entity = app.add_subcommand("entity", "Manage creditor institutions (enti creditori)");
  entity->require_subcommand(1);

  auto* add = entity->add_subcommand("add", "Register a creditor institution");
  auto add_flags = std::make_shared<EntityFlags>();
  add_flags->Register(add, true);
  add->get_option("--name")->required();
  add->get_option("--slug")->required();
  add->get_option("--segregation-code")->required();
  add->callback([add, add_flags, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      Entity e;
      if (auto st = add_flags->Apply(add, e); !st.ok()) return Fail(st.error());
      auto logo = add_flags->NoticeLogo(add);
      if (!logo.ok()) return Fail(logo.error());
      auto created = AddEntity(ctx, Caller{"cli", {}}, e);
      if (!created.ok()) return Fail(created.error());
      if (*logo && !logo->value().empty()) {
        if (auto st = SetNoticeLogo(ctx, Caller{"cli", {}}, created->fiscal_code, **logo);
            !st.ok()) {
          return Fail(st.error());
        }
      }
      std::printf("%s\n", EntityToJson(*created).c_str());
      return 0;
    });
  });

  auto* update = entity->add_subcommand("update", "Change fields of a creditor institution");
  auto upd_flags = std::make_shared<EntityFlags>();
  upd_flags->Register(update, true);
  update->callback([update, upd_flags, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto current = GetEntity(ctx, upd_flags->values.at("fiscal-code"));
      if (!current.ok()) return Fail(current.error());
      Entity e = *current;
      if (auto st = upd_flags->Apply(update, e); !st.ok()) return Fail(st.error());
      auto logo = upd_flags->NoticeLogo(update);
      if (!logo.ok()) return Fail(logo.error());
      if (auto st = ValidateEntity(e); !st.ok()) return Fail(st.error());
      if (*logo) {
        if (auto st = SetNoticeLogo(ctx, Caller{"cli", {}}, e.fiscal_code, **logo); !st.ok()) {
          return Fail(st.error());
        }
      }
      auto updated = UpdateEntity(ctx, Caller{"cli", {}}, e);
      if (!updated.ok()) return Fail(updated.error());
      std::printf("%s\n", EntityToJson(*updated).c_str());
      return 0;
    });
  });

  auto* list =
      entity->add_subcommand("list", "List creditor institutions, one JSON object per line");
  list->callback([&g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto all = ctx.store.ListEntities();
      if (!all.ok()) return Fail(all.error());
      for (const auto& e : *all) std::printf("%s\n", EntityToJson(e).c_str());
      return 0;
    });
  });

  auto* show = entity->add_subcommand("show", "Show one creditor institution as JSON");
  auto show_fc = std::make_shared<std::string>();
  show->add_option("fiscal-code", *show_fc, "11-digit fiscal code")->required();
  show->callback([show_fc, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto e = GetEntity(ctx, *show_fc);
      if (!e.ok()) return Fail(e.error());
      std::printf("%s\n", EntityToJson(*e).c_str());
      return 0;
    });
  });
}

}  // namespace incasso::cli
