// Internal to storage/: the bulk write path of Store::BeginBulkWrite (app/store.hpp
// BulkPositionWriter). SQLite: multi-row INSERTs with ids assigned under the write lock;
// PostgreSQL: one COPY per table and batch (left in flight while the next table's rows are encoded),
// ids from the identity sequences. Either way a batch costs a few statements, not a round trip per
// row.
#pragma once

#include <memory>

#include "app/store.hpp"
#include "storage/db.hpp"

namespace incasso::storage {

Result<std::unique_ptr<BulkPositionWriter>> NewBulkWriter(Db& db, std::int64_t entity_id,
                                                          bool read_only);

}  // namespace incasso::storage
