// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/HttpClient.h"
#include "postern/util/Json.h"

#include <string>

namespace postern::test {

/**
 * ContractServer is the running contract server run_contract.sh started (its base URL is in
 * POSTERN_CONTRACT_URL), plus its test-only control routes under /__control/:
 *   GET  /__control/state         the server's recorded state (posts, uploads, requests seen)
 *   POST /__control/reset         forget everything (each test starts with reset())
 *   POST /__control/<name> {...}  server-specific faults and settings (see the .mjs file)
 */
class ContractServer
{
public:
    ContractServer();

    [[nodiscard]] const std::string& url() const noexcept { return m_url; }
    /** state GETs /__control/state and REQUIREs a JSON object. */
    [[nodiscard]] Json state();
    /** control POSTs `body` to /__control/<name> and REQUIREs a 2xx answer; returns its JSON. */
    Json control(const std::string& name, const Json& body = Json(Json::Object{}));
    void reset() { control("reset"); }

private:
    std::string m_url;
    uploader::HttpClient m_http;
};

} // namespace postern::test
