// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: the object itself (opening a store, owning it and its Queries) and the store's
// upkeep (integrity check, backup, restore). The workflow steps live in Workstation*.cpp by
// topic; the front-ends' reads in Queries.cpp.
#include "postern/workflow/Workstation.h"

#include "postern/workflow/Queries.h"

namespace postern::workflow {

Workstation::Workstation(std::unique_ptr<store::WorkstationStore> s, const Clock& clock)
    : m_store(std::move(s)), m_clock(clock), m_queries(std::make_unique<Queries>(*this, *m_store))
{
}

Workstation::~Workstation() = default;

Result<std::unique_ptr<Workstation>> Workstation::open(const std::filesystem::path& dir, const Clock& clock)
{
    POSTERN_ASSIGN(s, store::WorkstationStore::open(dir));
    return std::unique_ptr<Workstation>(new Workstation(std::move(s), clock));
}

Status Workstation::checkIntegrity()
{
    return m_store->checkIntegrity();
}

Result<store::BackupSummary> Workstation::backup(const std::filesystem::path& dest)
{
    return store::backupStore(*m_store, dest);
}

Result<store::BackupSummary> Workstation::restore(const std::filesystem::path& backupDir,
                                                  const std::filesystem::path& dest)
{
    return store::restoreStore(backupDir, dest);
}

} // namespace postern::workflow
