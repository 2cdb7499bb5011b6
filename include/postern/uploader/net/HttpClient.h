// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecretText.h"
#include "postern/util/Result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::uploader {

/** FileRange is a byte range of a file, streamed as a body (e.g. one chunk of a video). */
struct FileRange
{
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::optional<std::uint64_t> length; ///< nullopt: to the end of the file
};

/** FormPart is one part of a multipart/form-data body: a text value or (part of) a file. */
struct FormPart
{
    std::string name;
    std::string value;             ///< used when `file` is empty
    std::optional<FileRange> file; ///< streamed from disk
    std::string filename;          ///< sent for file parts (a name the uploader chose, never the author's)
    std::string contentType;       ///< for file parts, e.g. image/png
};

/**
 * HttpRequest is one request. The body is one of: `body` (in memory), `bodyFile` (a file or a
 * byte range of one, streamed), or `form` (multipart/form-data, its file parts streamed).
 */
struct HttpRequest
{
    std::string method = "GET"; ///< GET, POST, PUT or DELETE
    std::string url;            ///< https://..., or http:// to a loopback host only
    std::vector<std::pair<std::string, std::string>> headers; ///< never credentials: see `authorization`
    std::string body;
    /**
     * authorization is the Authorization header value ("Bearer …", "Basic …"), and secretBody
     * a body that carries credentials (a password, a refresh token, a client secret), used
     * instead of `body`. Both stay in guarded memory; the client's own Qt copies of them are
     * overwritten when the exchange ends (what Qt's network stack copies is out of reach:
     * docs/threat-model.md, "Secrets in memory and on disk").
     */
    crypto::SecretText authorization;
    crypto::SecretText secretBody;
    std::optional<FileRange> bodyFile;        ///< streamed from disk, never read whole
    std::vector<FormPart> form;               ///< non-empty: a multipart/form-data body
    std::chrono::milliseconds timeout{60000}; ///< for the whole exchange
    std::size_t maxResponseBytes = 1u << 20;  ///< a larger answer is abandoned (too-large)
    /**
     * freshConnection opens a new connection instead of reusing an idle pooled one. For a
     * request that creates a post: a server closes idle keep-alive connections (Node after 5 s,
     * nginx after 75 s), and a request written as it does so is lost without an answer; Qt may
     * not re-send a POST, so the post would end `unknown` though the server never saw it.
     */
    bool freshConnection = false;
};

/**
 * HttpResponse is a complete answer (any status). Header names are lower case. The body is
 * overwritten when the response goes: token answers carry credentials.
 */
struct HttpResponse
{
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    HttpResponse() = default;
    HttpResponse(int code, std::vector<std::pair<std::string, std::string>> fields, std::string text)
        : status(code), headers(std::move(fields)), body(std::move(text))
    {
    }
    HttpResponse(const HttpResponse&) = default;
    HttpResponse(HttpResponse&&) noexcept = default;
    HttpResponse& operator=(const HttpResponse&) = default;
    HttpResponse& operator=(HttpResponse&&) noexcept = default;
    ~HttpResponse();

    /** header returns the first value of a header (name in lower case), or nullptr. */
    [[nodiscard]] const std::string* header(std::string_view name) const;
};

/**
 * HttpClient sends one request at a time, synchronously, over Qt Network
 * (QNetworkAccessManager with a local QEventLoop per request). Its rules:
 *
 *  - TLS peer verification is always on; plain http:// is accepted only for loopback hosts
 *    (localhost, 127.0.0.0/8, ::1), which is what tests use for the local PDS;
 *  - redirects are never followed (an API that redirects is answered as it is);
 *  - every request has a deadline, and a response body larger than its cap is abandoned;
 *  - request bodies from files are streamed, so a video is never held in memory.
 *
 * An Error means no complete answer arrived: the request may or may not have reached the
 * server (connection refused, reset, timeout). Callers of non-idempotent requests treat that
 * as "unknown" and reconcile before any retry.
 * The Qt types stay in the .cpp: nothing above the uploader core sees Qt Network.
 */
class HttpClient
{
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    [[nodiscard]] Result<HttpResponse> send(const HttpRequest& request);

    /** isLoopbackUrl reports whether a URL's host is a loopback name or address. */
    [[nodiscard]] static bool isLoopbackUrl(std::string_view url);
    /** checkUrl applies the scheme rule above without sending anything. */
    [[nodiscard]] static Status checkUrl(std::string_view url);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/** percentEncode encodes a query parameter value (RFC 3986 unreserved characters stay). */
[[nodiscard]] std::string percentEncode(std::string_view text);
/** percentEncodeSecret is percentEncode into guarded memory, for credentials in a form body. */
[[nodiscard]] crypto::SecretText percentEncodeSecret(std::string_view text);
/** jsonQuoteSecret is a JSON string literal (quotes included) of a secret, in guarded memory. */
[[nodiscard]] crypto::SecretText jsonQuoteSecret(std::string_view text);

} // namespace postern::uploader
