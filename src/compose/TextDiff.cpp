// SPDX-License-Identifier: GPL-3.0-or-later
// The review pane's diff: words with Myers' algorithm, everything else described in words.
#include "postern/compose/TextDiff.h"

#include "postern/util/Clock.h"

#include <algorithm>
#include <map>
#include <set>

namespace postern::compose {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::vector<std::string_view> tokenize(std::string_view s)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const bool space = isSpace(s[i]);
        std::size_t j = i + 1;
        while (j < s.size() && isSpace(s[j]) == space)
            ++j;
        out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

using Tokens = std::vector<std::string_view>;

struct Op
{
    DiffSpan::Kind kind;
    std::string_view token;
};

/** myers returns the edit script of a -> b, or false when it needs more than kMaxDiffEdits edits. */
bool myers(const Tokens& a, const Tokens& b, std::vector<Op>& ops)
{
    const int n = static_cast<int>(a.size());
    const int m = static_cast<int>(b.size());
    const int limit = std::min(n + m, kMaxDiffEdits);
    const int off = limit + 1;
    std::vector<int> v(static_cast<std::size_t>(2 * limit + 3), 0);
    std::vector<std::vector<int>> trace; // trace[d][k + d] = furthest x on diagonal k after d edits
    auto at = [&](int k) -> int& { return v[static_cast<std::size_t>(off + k)]; };
    for (int d = 0; d <= limit; ++d) {
        std::vector<int> row(static_cast<std::size_t>(2 * d + 1), 0);
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
            int y = x - k;
            while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) {
                ++x;
                ++y;
            }
            at(k) = x;
            row[static_cast<std::size_t>(k + d)] = x;
            if (x >= n && y >= m) {
                trace.push_back(std::move(row));
                // Walk back from (n, m) through the recorded frontiers.
                int cx = n;
                int cy = m;
                std::vector<Op> rev;
                for (int dd = d; dd > 0; --dd) {
                    const auto& prev = trace[static_cast<std::size_t>(dd - 1)];
                    auto pv = [&](int kk) { return prev[static_cast<std::size_t>(kk + dd - 1)]; };
                    const int kk = cx - cy;
                    const int pk = (kk == -dd || (kk != dd && pv(kk - 1) < pv(kk + 1))) ? kk + 1 : kk - 1;
                    const int px = pv(pk);
                    const int py = px - pk;
                    const int sx = pk == kk + 1 ? px : px + 1; // where the snake after the edit starts
                    while (cx > sx) {
                        rev.push_back({DiffSpan::Same, a[static_cast<std::size_t>(cx - 1)]});
                        --cx;
                        --cy;
                    }
                    if (pk == kk + 1)
                        rev.push_back({DiffSpan::Added, b[static_cast<std::size_t>(py)]});
                    else
                        rev.push_back({DiffSpan::Removed, a[static_cast<std::size_t>(px)]});
                    cx = px;
                    cy = py;
                }
                while (cx > 0) {
                    rev.push_back({DiffSpan::Same, a[static_cast<std::size_t>(cx - 1)]});
                    --cx;
                }
                ops.insert(ops.end(), rev.rbegin(), rev.rend());
                return true;
            }
        }
        trace.push_back(std::move(row));
    }
    return false;
}

void append(std::vector<DiffSpan>& out, DiffSpan::Kind kind, std::string_view text)
{
    if (text.empty())
        return;
    if (!out.empty() && out.back().kind == kind)
        out.back().text += text;
    else
        out.push_back({kind, std::string(text)});
}

/** emit merges ops into spans; within a run of changes all removals come before all additions. */
void emit(const std::vector<Op>& ops, std::vector<DiffSpan>& out)
{
    std::size_t i = 0;
    while (i < ops.size()) {
        if (ops[i].kind == DiffSpan::Same) {
            append(out, DiffSpan::Same, ops[i].token);
            ++i;
            continue;
        }
        std::string removed;
        std::string added;
        while (i < ops.size() && ops[i].kind != DiffSpan::Same) {
            (ops[i].kind == DiffSpan::Removed ? removed : added) += ops[i].token;
            ++i;
        }
        append(out, DiffSpan::Removed, removed);
        append(out, DiffSpan::Added, added);
    }
}

std::string jsonText(const Json& v)
{
    switch (v.type()) {
    case Json::Type::String:
        return "\"" + v.asString() + "\"";
    case Json::Type::Bool:
        return v.asBool() ? "true" : "false";
    default:
        return v.serialize();
    }
}

std::string scheduleText(std::int64_t s)
{
    return s == 0 ? std::string("on arrival") : formatUtc(s);
}

} // namespace

std::vector<DiffSpan> diffWords(std::string_view before, std::string_view after)
{
    const Tokens a = tokenize(before);
    const Tokens b = tokenize(after);
    std::size_t pre = 0;
    while (pre < a.size() && pre < b.size() && a[pre] == b[pre])
        ++pre;
    std::size_t suf = 0;
    while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
        ++suf;
    std::vector<Op> ops;
    for (std::size_t i = 0; i < pre; ++i)
        ops.push_back({DiffSpan::Same, a[i]});
    const Tokens midA(a.begin() + static_cast<std::ptrdiff_t>(pre), a.end() - static_cast<std::ptrdiff_t>(suf));
    const Tokens midB(b.begin() + static_cast<std::ptrdiff_t>(pre), b.end() - static_cast<std::ptrdiff_t>(suf));
    if (!myers(midA, midB, ops)) {
        // Too different to diff cheaply: show the changed middle as replaced.
        for (const auto t : midA)
            ops.push_back({DiffSpan::Removed, t});
        for (const auto t : midB)
            ops.push_back({DiffSpan::Added, t});
    }
    for (std::size_t i = a.size() - suf; i < a.size(); ++i)
        ops.push_back({DiffSpan::Same, a[i]});
    std::vector<DiffSpan> out;
    emit(ops, out);
    return out;
}

std::vector<std::string> describeContentChanges(const domain::PostContent& before, const domain::PostContent& after)
{
    std::vector<std::string> out;
    std::map<std::string, const domain::ChannelPost*> oldCh;
    std::map<std::string, const domain::ChannelPost*> newCh;
    for (const auto& c : before.channels)
        oldCh[c.channel.str()] = &c;
    for (const auto& c : after.channels)
        newCh[c.channel.str()] = &c;
    for (const auto& [id, c] : newCh) {
        if (!oldCh.count(id))
            out.push_back("channel added: " + id);
    }
    for (const auto& [id, c] : oldCh) {
        if (!newCh.count(id))
            out.push_back("channel removed: " + id);
    }
    for (const auto& [id, now] : newCh) {
        const auto it = oldCh.find(id);
        if (it == oldCh.end())
            continue;
        const Json& o = it->second->options;
        const Json& n = now->options;
        std::set<std::string> keys;
        if (o.isObject())
            for (const auto& m : o.asObject())
                keys.insert(m.first);
        if (n.isObject())
            for (const auto& m : n.asObject())
                keys.insert(m.first);
        for (const auto& k : keys) {
            const Json* ov = o.isObject() ? o.find(k) : nullptr;
            const Json* nv = n.isObject() ? n.find(k) : nullptr;
            if (ov && nv && ov->serialize() != nv->serialize())
                out.push_back(id + " options." + k + ": " + jsonText(*ov) + " \u2192 " + jsonText(*nv));
            else if (!ov && nv)
                out.push_back(id + " options." + k + " set to " + jsonText(*nv));
            else if (ov && !nv)
                out.push_back(id + " options." + k + " removed (was " + jsonText(*ov) + ")");
        }
    }
    if (before.schedule != after.schedule)
        out.push_back("schedule changed from " + scheduleText(before.schedule) + " to " + scheduleText(after.schedule));
    std::vector<const domain::MediaRef*> common;
    for (const auto& m : after.media) {
        const auto it =
            std::find_if(before.media.begin(), before.media.end(), [&](const auto& x) { return x.hash == m.hash; });
        if (it == before.media.end()) {
            out.push_back("media added: " + m.name);
            continue;
        }
        common.push_back(&m);
        if (it->alt != m.alt)
            out.push_back("alt text of " + m.name + " changed");
    }
    std::vector<const domain::MediaRef*> commonBefore;
    for (const auto& m : before.media) {
        const auto it =
            std::find_if(after.media.begin(), after.media.end(), [&](const auto& x) { return x.hash == m.hash; });
        if (it == after.media.end())
            out.push_back("media removed: " + m.name);
        else
            commonBefore.push_back(&*it);
    }
    if (common != commonBefore)
        out.push_back("media order changed");
    return out;
}

} // namespace postern::compose
