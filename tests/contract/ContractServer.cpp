// SPDX-License-Identifier: GPL-3.0-or-later
#include "ContractServer.h"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace postern::test {

namespace {

Json parseAnswer(const uploader::HttpResponse& answer)
{
    auto doc = parseForeignJson(answer.body, JsonLimits{16u << 20, 32, 1000000, 16u << 20});
    INFO(answer.body);
    REQUIRE(doc);
    return *doc;
}

} // namespace

ContractServer::ContractServer()
{
    const char* url = std::getenv("POSTERN_CONTRACT_URL");
    INFO("POSTERN_CONTRACT_URL is not set: run these tests through tests/contract/run_contract.sh (ctest -L contract)");
    REQUIRE(url != nullptr);
    m_url = url;
}

Json ContractServer::state()
{
    uploader::HttpRequest r;
    r.url = m_url + "/__control/state";
    r.maxResponseBytes = 16u << 20;
    auto answer = m_http.send(r);
    REQUIRE(answer);
    REQUIRE(answer->status == 200);
    Json doc = parseAnswer(*answer);
    REQUIRE(doc.isObject());
    return doc;
}

Json ContractServer::control(const std::string& name, const Json& body)
{
    uploader::HttpRequest r;
    r.method = "POST";
    r.url = m_url + "/__control/" + name;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body.serialize();
    auto answer = m_http.send(r);
    REQUIRE(answer);
    INFO(answer->body);
    REQUIRE(answer->status / 100 == 2);
    return answer->body.empty() ? Json(Json::Object{}) : parseAnswer(*answer);
}

} // namespace postern::test
