// incasso apikey create|list|revoke: API keys of an institution's software. The key is printed
// once, at creation (alone on stdout, so scripts can capture it); only its hash is stored.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "api/gpd_json.hpp"
#include "app/api_keys.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {

void AddApiKeyCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto* apikey = app.add_subcommand("apikey", "Manage the API keys of creditor institutions");
  apikey->require_subcommand(1);

  struct CreateArgs {
    std::string entity;
    std::string label;
  };
  auto create_args = std::make_shared<CreateArgs>();
  auto* create = apikey->add_subcommand("create", "Create an API key; it is shown only once");
  create->add_option("--entity", create_args->entity, "fiscal code of the institution")->required();
  create->add_option("--label", create_args->label, "what the key is for (e.g. the software)");
  create->callback([create_args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto created = CreateApiKey(ctx, Caller{"cli", {}}, create_args->entity, create_args->label);
      if (!created.ok()) return Fail(created.error());
      std::printf("%s\n", created->key.c_str());
      std::fflush(stdout);
      std::fprintf(stderr,
                   "API key %lld (%s) created for %s. Store it now: it cannot be shown again.\n",
                   static_cast<long long>(created->info.id), created->info.prefix.c_str(),
                   create_args->entity.c_str());
      return 0;
    });
  });

  auto list_entity = std::make_shared<std::string>();
  auto* list = apikey->add_subcommand(
      "list", "List an institution's API keys (revoked ones too), one JSON object per line");
  list->add_option("--entity", *list_entity, "fiscal code of the institution")->required();
  list->callback([list_entity, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto keys = ListApiKeys(ctx, *list_entity);
      if (!keys.ok()) return Fail(keys.error());
      for (const auto& k : *keys) std::printf("%s\n", ApiKeyToJson(k).c_str());
      return 0;
    });
  });

  struct RevokeArgs {
    std::string entity;
    std::int64_t id = 0;
  };
  auto revoke_args = std::make_shared<RevokeArgs>();
  auto* revoke = apikey->add_subcommand("revoke", "Revoke an API key at once");
  revoke->add_option("--entity", revoke_args->entity, "fiscal code of the institution")->required();
  revoke->add_option("--id", revoke_args->id, "the key's id (see apikey list)")->required();
  revoke->callback([revoke_args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      Status revoked = RevokeApiKey(ctx, Caller{"cli", {}}, revoke_args->entity, revoke_args->id);
      if (!revoked.ok()) return Fail(revoked.error());
      std::printf("API key %lld of %s revoked\n", static_cast<long long>(revoke_args->id),
                  revoke_args->entity.c_str());
      return 0;
    });
  });
}

}  // namespace incasso::cli
