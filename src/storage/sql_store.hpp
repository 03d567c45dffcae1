// Internal to storage/: the Store implemented once in SQL over a Db, for both backends.
#pragma once

#include <memory>

#include "app/store.hpp"
#include "storage/db.hpp"

namespace incasso::storage {

// Precondition: the schema of `db` is migrated. The Store owns the Db.
std::unique_ptr<Store> NewSqlStore(std::unique_ptr<Db> db);

}  // namespace incasso::storage
