// SPDX-License-Identifier: GPL-3.0-or-later
// Reads back what postern-uploader published on the local PDS and compares it with what the
// bundle held, byte for byte. Usage: node check-bluesky.mjs EXPECTED.json
// EXPECTED: {"service","did","handle","text","images":[{"file","alt","width","height"}],
//            "links":[URI], "tags":[TAG], "mentions":[{"handle","did"}], "count": N, "langs":[LANG]}
// Exits 1 with a message on the first difference.
import fs from 'node:fs'

const want = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const fail = (msg) => {
  process.stderr.write(`check-bluesky: ${msg}\n`)
  process.exit(1)
}
const get = async (nsid, params, raw = false) => {
  const url = `${want.service}/xrpc/${nsid}?${new URLSearchParams(params)}`
  const res = await fetch(url)
  if (!res.ok) fail(`${nsid} answered HTTP ${res.status}: ${await res.text()}`)
  return raw ? Buffer.from(await res.arrayBuffer()) : res.json()
}

const list = await get('com.atproto.repo.listRecords', { repo: want.did, collection: 'app.bsky.feed.post', limit: 100 })
if (list.records.length !== want.count) fail(`expected ${want.count} post(s), the repo holds ${list.records.length}`)
const posts = list.records.filter((r) => r.value.text === want.text)
if (posts.length !== 1) fail(`expected exactly one post with the text, found ${posts.length}`)
const post = posts[0]
const rkey = post.uri.split('/').pop()
if (!/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(rkey)) fail(`rkey ${rkey} is not a TID`)
const again = await get('com.atproto.repo.getRecord', { repo: want.did, collection: 'app.bsky.feed.post', rkey })
if (again.cid !== post.cid) fail('getRecord and listRecords disagree')

// The approved option lang=de is the record's langs, as read back with getRecord.
if (want.langs !== undefined && JSON.stringify(again.value.langs ?? null) !== JSON.stringify(want.langs))
  fail(`the record has langs ${JSON.stringify(again.value.langs)}, expected ${JSON.stringify(want.langs)}`)

// Facets: UTF-8 byte offsets must select exactly the linked / tagged / mentioned text.
const bytes = Buffer.from(want.text, 'utf8')
const facets = post.value.facets || []
const span = (f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8')
const feature = (type) => facets.filter((f) => f.features[0].$type === `app.bsky.richtext.facet#${type}`)
const links = feature('link')
if (links.length !== want.links.length) fail(`expected ${want.links.length} link facet(s), got ${links.length}`)
for (const [i, uri] of want.links.entries()) {
  if (links[i].features[0].uri !== uri) fail(`link facet ${i} points to ${links[i].features[0].uri}`)
  if (span(links[i]) !== uri) fail(`link facet ${i} covers "${span(links[i])}", not "${uri}"`)
}
const tags = feature('tag')
if (tags.length !== want.tags.length) fail(`expected ${want.tags.length} tag facet(s), got ${tags.length}`)
for (const [i, tag] of want.tags.entries()) {
  if (tags[i].features[0].tag !== tag) fail(`tag facet ${i} is ${tags[i].features[0].tag}`)
  if (span(tags[i]) !== `#${tag}`) fail(`tag facet ${i} covers "${span(tags[i])}"`)
}
const mentions = feature('mention')
if (mentions.length !== want.mentions.length) fail(`expected ${want.mentions.length} mention(s), got ${mentions.length}`)
for (const [i, m] of want.mentions.entries()) {
  if (mentions[i].features[0].did !== m.did) fail(`mention ${i} resolves to ${mentions[i].features[0].did}`)
  if (span(mentions[i]) !== `@${m.handle}`) fail(`mention facet ${i} covers "${span(mentions[i])}"`)
}

// Images: alt text, aspect ratio, and the blob bytes fetched back from the server.
const images = post.value.embed?.images || []
if (post.value.embed?.$type !== 'app.bsky.embed.images') fail('the post has no images embed')
if (images.length !== want.images.length) fail(`expected ${want.images.length} image(s), got ${images.length}`)
for (const [i, img] of want.images.entries()) {
  const got = images[i]
  if (got.alt !== img.alt) fail(`image ${i} has alt "${got.alt}", expected "${img.alt}"`)
  if (got.aspectRatio?.width !== img.width || got.aspectRatio?.height !== img.height)
    fail(`image ${i} has aspect ratio ${JSON.stringify(got.aspectRatio)}`)
  const blob = await get('com.atproto.sync.getBlob', { did: want.did, cid: got.image.ref.$link }, true)
  if (!blob.equals(fs.readFileSync(img.file))) fail(`image ${i}: the blob on the server differs from ${img.file}`)
}
process.stdout.write(`${post.uri}\n`)
