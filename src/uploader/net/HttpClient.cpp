// SPDX-License-Identifier: GPL-3.0-or-later
// The uploader's only door to the network: synchronous HTTP over QNetworkAccessManager.
#include "postern/uploader/net/HttpClient.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QHttpMultiPart>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#include <sodium.h>

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

/**
 * FileSlice exposes one byte range of a file as a random-access device, so QNAM streams a
 * chunk of a video (or a multipart file part) from disk without reading it into memory.
 */
class FileSlice final : public QIODevice
{
public:
    FileSlice(const FileRange& range, QObject* parent = nullptr) : QIODevice(parent), m_range(range) {}

    Status openSlice()
    {
        m_file.setFileName(QString::fromStdString(m_range.path.string()));
        if (!m_file.open(QIODevice::ReadOnly))
            return fail(Errc::Io,
                        "cannot open " + m_range.path.string() + " to send it: " + m_file.errorString().toStdString());
        const auto total = static_cast<std::uint64_t>(m_file.size());
        if (m_range.offset > total || (m_range.length && *m_range.length > total - m_range.offset))
            return fail(Errc::Internal, "the byte range to send lies outside " + m_range.path.string());
        m_length = static_cast<qint64>(m_range.length ? *m_range.length : total - m_range.offset);
        if (!m_file.seek(static_cast<qint64>(m_range.offset)))
            return fail(Errc::Io, "cannot seek in " + m_range.path.string());
        QIODevice::open(QIODevice::ReadOnly);
        return {};
    }
    [[nodiscard]] qint64 size() const override { return m_length; }
    [[nodiscard]] bool isSequential() const override { return false; }
    bool seek(qint64 pos) override
    {
        if (pos < 0 || pos > m_length || !m_file.seek(static_cast<qint64>(m_range.offset) + pos))
            return false;
        return QIODevice::seek(pos);
    }

protected:
    qint64 readData(char* data, qint64 maxSize) override
    {
        const qint64 left = m_length - pos();
        if (left <= 0)
            return 0;
        return m_file.read(data, std::min(maxSize, left));
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    FileRange m_range;
    QFile m_file;
    qint64 m_length = 0;
};

/**
 * OnceBody is an in-memory request body that Qt cannot rewind (sequential, sent unbuffered).
 * Qt 6.4 silently sends a request again when its connection closes before the answer
 * (QHttpNetworkConnectionChannel::handleUnexpectedEOF; later Qt versions check that the
 * method is idempotent first). For a POST that creates a post that is a duplicate behind the
 * adapter's back; with a body that cannot be reset Qt fails the reply (ContentReSendError)
 * instead, and the adapter decides. Adapters repeat safe requests themselves (sendSafe).
 */
class OnceBody final : public QIODevice
{
public:
    explicit OnceBody(QByteArray data) : m_data(std::move(data)) {}
    [[nodiscard]] bool isSequential() const override { return true; }
    bool seek(qint64) override { return false; } // quietly: this is how Qt learns it cannot re-send
    [[nodiscard]] qint64 bytesAvailable() const override
    {
        return static_cast<qint64>(m_data.size()) - m_read + QIODevice::bytesAvailable();
    }

protected:
    qint64 readData(char* data, qint64 maxSize) override
    {
        const qint64 n = std::min(maxSize, static_cast<qint64>(m_data.size()) - m_read);
        if (n <= 0)
            return 0;
        std::copy_n(m_data.constData() + m_read, n, data);
        m_read += n;
        return n;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_read = 0;
};

QByteArray quoted(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        if (c == '"' || c == '\\' || c == '\r' || c == '\n')
            out.push_back('_'); // names are ours (field names, spool names): never need escaping
        else
            out.push_back(c);
    }
    return QByteArray::fromStdString("\"" + out + "\"");
}

/** buildForm makes the multipart body; file parts stream through FileSlice devices it owns. */
Result<QHttpMultiPart*> buildForm(const std::vector<FormPart>& parts)
{
    auto form = std::make_unique<QHttpMultiPart>(QHttpMultiPart::FormDataType);
    for (const auto& p : parts) {
        QHttpPart part;
        QByteArray disposition = "form-data; name=" + quoted(p.name);
        if (p.file) {
            disposition += "; filename=" + quoted(p.filename.empty() ? std::string("file") : p.filename);
            part.setHeader(QNetworkRequest::ContentTypeHeader,
                           QString::fromStdString(p.contentType.empty() ? "application/octet-stream" : p.contentType));
            auto* slice = new FileSlice(*p.file, form.get());
            POSTERN_TRY(slice->openSlice());
            part.setBodyDevice(slice);
        } else {
            part.setBody(QByteArray::fromStdString(p.value));
        }
        part.setHeader(QNetworkRequest::ContentDispositionHeader, disposition);
        form->append(part);
    }
    return form.release();
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

HttpResponse::~HttpResponse()
{
    crypto::wipeString(body);
}

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool unreserved(unsigned char c)
{
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/** escapeSecret writes before + `text` escaped by `escape(c, out)` (which returns the bytes written, out may
 *  be null to count them) + after into one guarded buffer, measured first so no copy grows. */
template<typename Escape>
crypto::SecretText escapeSecret(std::string_view text, std::string_view before, std::string_view after, Escape escape)
{
    std::size_t size = before.size() + after.size();
    for (const char ch : text)
        size += escape(static_cast<unsigned char>(ch), nullptr);
    crypto::SecureBuffer buffer(size);
    auto* at = reinterpret_cast<char*>(buffer.data());
    at = std::copy(before.begin(), before.end(), at);
    for (const char ch : text)
        at += escape(static_cast<unsigned char>(ch), at);
    std::copy(after.begin(), after.end(), at);
    return crypto::SecretText::adopt(std::move(buffer));
}

std::size_t percentByte(unsigned char c, char* out)
{
    if (unreserved(c)) {
        if (out)
            out[0] = static_cast<char>(c);
        return 1;
    }
    if (out) {
        out[0] = '%';
        out[1] = kHex[c >> 4];
        out[2] = kHex[c & 0xf];
    }
    return 3;
}

std::size_t jsonByte(unsigned char c, char* out)
{
    if (c == '"' || c == '\\') {
        if (out) {
            out[0] = '\\';
            out[1] = static_cast<char>(c);
        }
        return 2;
    }
    if (c < 0x20) { // every control character as \u00XX: one form, no table of short escapes
        if (out) {
            const char form[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            std::copy(form, form + 6, out);
        }
        return 6;
    }
    if (out)
        out[0] = static_cast<char>(c);
    return 1;
}

} // namespace

std::string percentEncode(std::string_view text)
{
    std::string out;
    char buffer[3];
    for (const char ch : text)
        out.append(buffer, percentByte(static_cast<unsigned char>(ch), buffer));
    return out;
}

crypto::SecretText percentEncodeSecret(std::string_view text)
{
    return escapeSecret(text, {}, {}, percentByte);
}

crypto::SecretText jsonQuoteSecret(std::string_view text)
{
    return escapeSecret(text, "\"", "\"", jsonByte);
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

namespace {

/**
 * QtSecrets holds the QByteArray copies of an Authorization value and a secret body that Qt
 * needs, and overwrites them in place when the exchange ends. In place, through constData():
 * the request and reply Qt keeps share these buffers, and writing through data() would copy
 * them first and wipe only the copy. Declared before the QNetworkRequest, so it goes last.
 */
struct QtSecrets
{
    QByteArray authorization;
    QByteArray body;
    QByteArray answer; ///< the response body as it arrives: token answers carry credentials
    QtSecrets() = default;
    QtSecrets(const QtSecrets&) = delete;
    QtSecrets& operator=(const QtSecrets&) = delete;
    ~QtSecrets()
    {
        for (QByteArray* b : {&authorization, &body, &answer}) {
            if (!b->isEmpty())
                sodium_memzero(const_cast<char*>(b->constData()), static_cast<std::size_t>(b->size()));
        }
    }
};

QByteArray qtCopy(const crypto::SecretText& secret)
{
    return {secret.view().data(), static_cast<qsizetype>(secret.size())};
}

} // namespace

Result<HttpResponse> HttpClient::send(const HttpRequest& r)
{
    POSTERN_TRY(checkUrl(r.url));
    QtSecrets secrets;
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
    if (!r.authorization.empty()) {
        secrets.authorization = qtCopy(r.authorization);
        request.setRawHeader(QByteArrayLiteral("Authorization"), secrets.authorization);
    }

    static const std::vector<std::string> kMethods{"GET", "POST", "PUT", "DELETE"};
    if (std::find(kMethods.begin(), kMethods.end(), r.method) == kMethods.end())
        return fail(Errc::InvalidArgument, "unsupported HTTP method " + r.method);
    const int bodies = (r.body.empty() ? 0 : 1) + (r.secretBody.empty() ? 0 : 1) + (r.bodyFile ? 1 : 0)
                       + (r.form.empty() ? 0 : 1);
    if (bodies > 1)
        return fail(Errc::Internal, "an HTTP request has more than one kind of body");
    std::unique_ptr<QHttpMultiPart> form;
    std::unique_ptr<FileSlice> slice;
    std::unique_ptr<OnceBody> once;
    QNetworkReply* reply = nullptr;
    // Dropping the pool costs one handshake; it is only asked for the one request per post
    // that must not race a server closing an idle connection (HttpRequest::freshConnection).
    if (r.freshConnection)
        m_impl->manager.clearConnectionCache();
    if (!r.form.empty()) {
        POSTERN_ASSIGN(made, buildForm(r.form));
        form.reset(made);
        reply = m_impl->manager.sendCustomRequest(request, QByteArray::fromStdString(r.method), form.get());
    } else if (r.bodyFile) {
        slice = std::make_unique<FileSlice>(*r.bodyFile);
        POSTERN_TRY(slice->openSlice());
        request.setHeader(QNetworkRequest::ContentLengthHeader, QVariant::fromValue(slice->size()));
        reply = m_impl->manager.sendCustomRequest(request, QByteArray::fromStdString(r.method), slice.get());
    } else if (r.method == "GET" || (r.method == "DELETE" && r.body.empty() && r.secretBody.empty())) {
        reply = m_impl->manager.sendCustomRequest(request, QByteArray::fromStdString(r.method));
    } else if (!r.body.empty() || !r.secretBody.empty()) {
        // Never re-sent by Qt itself (see OnceBody): the caller sees the lost answer.
        if (!r.secretBody.empty())
            secrets.body = qtCopy(r.secretBody);
        once = std::make_unique<OnceBody>(r.secretBody.empty() ? QByteArray::fromStdString(r.body) : secrets.body);
        once->open(QIODevice::ReadOnly);
        request.setHeader(QNetworkRequest::ContentLengthHeader,
                          QVariant::fromValue(static_cast<qint64>(r.body.size() + r.secretBody.size())));
        request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
        reply = m_impl->manager.sendCustomRequest(request, QByteArray::fromStdString(r.method), once.get());
    } else {
        reply = m_impl->manager.sendCustomRequest(request,
                                                  QByteArray::fromStdString(r.method),
                                                  QByteArray::fromStdString(r.body));
    }

    QByteArray& body = secrets.answer;
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
    out.body = body.toStdString(); // overwritten when `out` goes (~HttpResponse), as `body` is here
    return out;
}

} // namespace postern::uploader
