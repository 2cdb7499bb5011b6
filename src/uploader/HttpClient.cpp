// SPDX-License-Identifier: GPL-3.0-or-later
// The uploader's only door to the network: synchronous HTTP over QNetworkAccessManager.
#include "postern/uploader/HttpClient.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cctype>

namespace postern::uploader {

namespace {

/**
 * ensureApplication makes sure a QCoreApplication exists: QEventLoop needs one. The
 * executable creates it in main(); library users such as the tests get one made here, once,
 * and never destroyed (Qt objects must not outlive it).
 */
void ensureApplication()
{
    if (QCoreApplication::instance())
        return;
    static int argc = 1;
    static char name[] = "postern-uploader";
    static char* argv[] = {name, nullptr};
    new QCoreApplication(argc, argv); // intentionally leaked: lives until the process ends
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool loopbackHost(const QString& host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

} // namespace

const std::string* HttpResponse::header(std::string_view name) const
{
    for (const auto& [key, value] : headers) {
        if (key == name)
            return &value;
    }
    return nullptr;
}

std::string percentEncode(std::string_view text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xf]);
        }
    }
    return out;
}

struct HttpClient::Impl
{
    QNetworkAccessManager manager;
};

HttpClient::HttpClient()
{
    ensureApplication();
    m_impl = std::make_unique<Impl>();
}

HttpClient::~HttpClient() = default;

bool HttpClient::isLoopbackUrl(std::string_view url)
{
    const QUrl u(QString::fromUtf8(url.data(), static_cast<qsizetype>(url.size())), QUrl::StrictMode);
    return u.isValid() && loopbackHost(u.host());
}

Status HttpClient::checkUrl(std::string_view url)
{
    const QUrl u(QString::fromUtf8(url.data(), static_cast<qsizetype>(url.size())), QUrl::StrictMode);
    if (!u.isValid() || u.host().isEmpty())
        return fail(Errc::InvalidArgument, "\"" + std::string(url) + "\" is not a valid URL");
    if (u.scheme() == QLatin1String("https"))
        return {};
    if (u.scheme() == QLatin1String("http") && loopbackHost(u.host()))
        return {};
    return fail(Errc::InvalidArgument,
                "refusing to talk to \"" + std::string(url)
                    + "\": only https:// is allowed (plain http:// only to this host, for tests)");
}

Result<HttpResponse> HttpClient::send(const HttpRequest& r)
{
    POSTERN_TRY(checkUrl(r.url));
    QNetworkRequest request(QUrl(QString::fromStdString(r.url), QUrl::StrictMode));
    // Verification on, whatever the platform default: a wrong certificate is an error.
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    request.setSslConfiguration(tls);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(static_cast<int>(r.timeout.count()));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("postern-uploader/0.1"));
    for (const auto& [name, value] : r.headers)
        request.setRawHeader(QByteArray::fromStdString(name), QByteArray::fromStdString(value));

    QFile file;
    QNetworkReply* reply = nullptr;
    if (r.method == "GET") {
        reply = m_impl->manager.get(request);
    } else if (r.method == "POST") {
        if (r.bodyFile) {
            file.setFileName(QString::fromStdString(r.bodyFile->string()));
            if (!file.open(QIODevice::ReadOnly))
                return fail(Errc::Io,
                            "cannot open " + r.bodyFile->string() + " to send it: " + file.errorString().toStdString());
            request.setHeader(QNetworkRequest::ContentLengthHeader, QVariant::fromValue(file.size()));
            reply = m_impl->manager.post(request, &file); // QNAM reads the file as it sends
        } else {
            reply = m_impl->manager.post(request, QByteArray::fromStdString(r.body));
        }
    } else {
        return fail(Errc::InvalidArgument, "unsupported HTTP method " + r.method);
    }

    QByteArray body;
    bool tooLarge = false;
    bool timedOut = false;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, reply, [&]() {
        timedOut = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&]() {
        body += reply->readAll();
        if (static_cast<std::size_t>(body.size()) > r.maxResponseBytes) {
            tooLarge = true;
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(static_cast<int>(r.timeout.count()));
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    deadline.stop();
    if (!tooLarge) {
        body += reply->readAll();
        tooLarge = static_cast<std::size_t>(body.size()) > r.maxResponseBytes;
    }

    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const QNetworkReply::NetworkError error = reply->error();
    const std::string errorText = reply->errorString().toStdString();
    HttpResponse out;
    out.status = status.isValid() ? status.toInt() : 0;
    for (const auto& pair : reply->rawHeaderPairs())
        out.headers.emplace_back(lower(pair.first.toStdString()), pair.second.toStdString());
    reply->deleteLater();

    const std::string what = r.method + " " + r.url.substr(0, r.url.find('?'));
    if (tooLarge)
        return fail(Errc::TooLarge,
                    what + ": the answer is larger than " + std::to_string(r.maxResponseBytes) + " bytes; abandoned");
    if (timedOut || error == QNetworkReply::TimeoutError || error == QNetworkReply::OperationCanceledError)
        return fail(Errc::Io, what + ": no answer within " + std::to_string(r.timeout.count() / 1000) + " s");
    // An HTTP error status is still an answer; only transport failures are errors here.
    if (out.status == 0)
        return fail(Errc::Io, what + ": " + errorText);
    out.body = body.toStdString();
    return out;
}

} // namespace postern::uploader
