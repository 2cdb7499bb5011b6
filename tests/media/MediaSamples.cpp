// SPDX-License-Identifier: GPL-3.0-or-later
#include "MediaSamples.h"

#include <algorithm>
#include <array>

namespace postern::test::media {

namespace {

void put(Bytes& out, std::string_view s)
{
    out.insert(out.end(), s.begin(), s.end());
}
void put(Bytes& out, ByteView b)
{
    out.insert(out.end(), b.begin(), b.end());
}
void put16(Bytes& out, std::uint32_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& out, std::uint32_t v)
{
    put16(out, v >> 16);
    put16(out, v & 0xFFFF);
}
void zeros(Bytes& out, std::size_t n)
{
    out.insert(out.end(), n, 0);
}

/** ifdEntry writes one 12-byte TIFF directory entry (big-endian). */
void ifdEntry(Bytes& out, std::uint16_t tag, std::uint16_t type, std::uint32_t count, ByteView valueOrOffset)
{
    put16(out, tag);
    put16(out, type);
    put32(out, count);
    Bytes v(valueOrOffset.begin(), valueOrOffset.end());
    v.resize(4, 0); // values of up to 4 bytes sit left-justified in the entry
    put(out, v);
}
Bytes be32Bytes(std::uint32_t v)
{
    Bytes b;
    put32(b, v);
    return b;
}

Bytes rationals(std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> values)
{
    Bytes out;
    for (const auto& [num, den] : values) {
        put32(out, num);
        put32(out, den);
    }
    return out;
}

Bytes jpegSegment(std::uint8_t marker, ByteView payload)
{
    Bytes out{0xFF, marker};
    put16(out, static_cast<std::uint32_t>(payload.size() + 2));
    put(out, payload);
    return out;
}

std::string xmpPacket()
{
    return "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
           "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
           "xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" "
           + std::string(kXmpLocation) + "/></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
}

/** zlibStored wraps `data` in a zlib stream (RFC 1950) of one stored deflate block (RFC 1951). */
Bytes zlibStored(ByteView data)
{
    Bytes out{0x78, 0x01, 0x01}; // CMF/FLG (no compression, check bits), BFINAL=1 BTYPE=00
    const auto len = static_cast<std::uint16_t>(data.size());
    out.push_back(static_cast<std::uint8_t>(len & 0xFF));
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(~len & 0xFF));
    out.push_back(static_cast<std::uint8_t>((~len >> 8) & 0xFF));
    put(out, data);
    std::uint32_t a = 1, b = 0; // Adler-32
    for (const std::uint8_t c : data) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    put32(out, (b << 16) | a);
    return out;
}

std::uint32_t crc32(ByteView data)
{
    std::uint32_t c = 0xFFFFFFFFu;
    for (const std::uint8_t byte : data) {
        c ^= byte;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

Bytes fullBox(std::string_view type, std::uint32_t versionFlags, ByteView payload)
{
    Bytes body;
    put32(body, versionFlags);
    put(body, payload);
    return box(type, body);
}

Bytes concat(std::initializer_list<ByteView> parts)
{
    Bytes out;
    for (const auto& p : parts)
        put(out, p);
    return out;
}

} // namespace

Bytes exifTiff()
{
    // Layout: header 0..8 | IFD0 8..50 (3 entries) | Make 50..61, pad | GPS IFD 62..128 (5
    // entries) | GPSLatitude 128..152 | GPSLongitude 152..176.
    Bytes t{'M', 'M', 0x00, 0x2A};
    put32(t, 8);
    put16(t, 3);
    ifdEntry(t, 0x010F, 2, static_cast<std::uint32_t>(kCameraMake.size() + 1), be32Bytes(50)); // Make
    ifdEntry(t, 0x0110, 2, 3, asBytes(std::string_view("Z1\0", 3)));                           // Model
    ifdEntry(t, 0x8825, 4, 1, be32Bytes(62));                                                  // GPS IFD
    put32(t, 0);
    put(t, kCameraMake);
    t.push_back(0);
    t.push_back(0); // word alignment
    put16(t, 5);
    ifdEntry(t, 0x0000, 1, 4, Bytes{2, 3, 0, 0});                   // GPSVersionID
    ifdEntry(t, 0x0001, 2, 2, asBytes(std::string_view("N\0", 2))); // GPSLatitudeRef
    ifdEntry(t, 0x0002, 5, 3, be32Bytes(128));                      // GPSLatitude
    ifdEntry(t, 0x0003, 2, 2, asBytes(std::string_view("W\0", 2))); // GPSLongitudeRef
    ifdEntry(t, 0x0004, 5, 3, be32Bytes(152));                      // GPSLongitude
    put32(t, 0);
    put(t, gpsLatitudeRationals());
    put(t, rationals({{0, 1}, {7, 1}, {3960, 100}}));
    return t;
}

Bytes gpsLatitudeRationals()
{
    return rationals({{51, 1}, {30, 1}, {2664, 100}});
}

JpegParts jpeg(bool metadata)
{
    using namespace std::string_view_literals;
    JpegParts p;
    const Bytes jfif = jpegSegment(0xE0, asBytes("JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00"sv));
    const Bytes icc = jpegSegment(0xE2, asBytes("ICC_PROFILE\0\x01\x01 stand-in ICC profile bytes"sv));
    const Bytes adobe = jpegSegment(0xEE, asBytes("Adobe\x00\x64\x00\x00\x00\x00\x00"sv));

    Bytes exif;
    put(exif, "Exif\0\0"sv);
    put(exif, exifTiff());
    Bytes xmp;
    put(xmp, "http://ns.adobe.com/xap/1.0/\0"sv);
    put(xmp, xmpPacket());
    Bytes iptc{0x1C, 0x02, 0x5A}; // IPTC IIM record 2, dataset 90: City
    put16(iptc, static_cast<std::uint32_t>(kIptcCity.size()));
    put(iptc, kIptcCity);
    Bytes photoshop;
    put(photoshop,
        "Photoshop 3.0\0"
        "8BIM\x04\x04\0\0"sv); // resource 0x0404 (IPTC), empty name
    put32(photoshop, static_cast<std::uint32_t>(iptc.size()));
    put(photoshop, iptc);
    if (iptc.size() % 2)
        photoshop.push_back(0);

    // The image: quantisation table of ones, 40x8 one-component frame, DC table {0: "0",
    // 8: "10"}, AC table {EOB: "0"}. Blocks: DC diffs 0, 0, 0, +255, -255 encode as
    // 000000 10 11111111 0 10 00000000 0 + 1111 padding = 02 FF(00) 40 0F.
    Bytes dqt{0x00};
    dqt.insert(dqt.end(), 64, 1);
    const Bytes sof{0x08, 0x00, 0x08, 0x00, 0x28, 0x01, 0x01, 0x11, 0x00};
    Bytes dhtDc{0x00, 1, 1};
    zeros(dhtDc, 14);
    dhtDc.push_back(0x00);
    dhtDc.push_back(0x08);
    Bytes dhtAc{0x10, 1};
    zeros(dhtAc, 15);
    dhtAc.push_back(0x00);
    const Bytes sos{0x01, 0x01, 0x00, 0x00, 0x3F, 0x00};
    p.image = concat({jpegSegment(0xDB, dqt),
                      jpegSegment(0xC0, sof),
                      jpegSegment(0xC4, dhtDc),
                      jpegSegment(0xC4, dhtAc),
                      jpegSegment(0xDA, sos),
                      Bytes{0x02, 0xFF, 0x00, 0x40, 0x0F, 0xFF, 0xD9}});

    p.kept = concat({jfif, icc, adobe});
    p.file = {0xFF, 0xD8};
    put(p.file, jfif);
    if (metadata)
        put(p.file, jpegSegment(0xE1, exif));
    put(p.file, icc);
    if (metadata) {
        put(p.file, jpegSegment(0xE1, xmp));
        put(p.file, jpegSegment(0xED, photoshop));
    }
    put(p.file, adobe);
    if (metadata)
        put(p.file, jpegSegment(0xFE, asBytes(kComment)));
    put(p.file, p.image);
    return p;
}

Bytes pngChunk(std::string_view type, ByteView data)
{
    Bytes out;
    put32(out, static_cast<std::uint32_t>(data.size()));
    put(out, type);
    put(out, data);
    put32(out, crc32(ByteView(out.data() + 4, out.size() - 4)));
    return out;
}

PngParts png(bool metadata)
{
    using namespace std::string_view_literals;
    PngParts p;
    const Bytes raw{0, 0x10, 0x20, 0, 0x30, 0x40}; // two rows, filter type 0
    const Bytes z = zlibStored(raw);
    p.idat = concat({pngChunk("IDAT", ByteView(z).first(5)), pngChunk("IDAT", ByteView(z).subspan(5))});

    p.file = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    put(p.file, pngChunk("IHDR", Bytes{0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0}));
    put(p.file, pngChunk("gAMA", Bytes{0, 0, 0xB1, 0x8F}));
    if (metadata) {
        Bytes text;
        put(text, "Comment\0"sv);
        put(text, kComment);
        put(p.file, pngChunk("tEXt", text));
        Bytes ztxt;
        put(ztxt, "Author\0\0"sv); // keyword, NUL, compression method 0
        put(ztxt, zlibStored(asBytes("Jane Doe, press office")));
        put(p.file, pngChunk("zTXt", ztxt));
        Bytes itxt;
        put(itxt, "XML:com.adobe.xmp\0\0\0\0\0"sv); // keyword, flag, method, language, translated
        put(itxt, xmpPacket());
        put(p.file, pngChunk("iTXt", itxt));
        put(p.file, pngChunk("eXIf", exifTiff()));
        put(p.file, pngChunk("tIME", Bytes{0x07, 0xE8, 6, 15, 12, 0, 0}));
    }
    put(p.file, p.idat);
    put(p.file, pngChunk("IEND", Bytes{}));
    return p;
}

Bytes box(std::string_view type, ByteView payload)
{
    Bytes out;
    put32(out, static_cast<std::uint32_t>(payload.size() + 8));
    put(out, type);
    put(out, payload);
    return out;
}

Mp4Parts mp4(bool metadata)
{
    using namespace std::string_view_literals;
    Mp4Parts p;
    put(p.mdatPayload, "\x00\x00\x00\x1c\x65\x88\x84 one encoded video frame, verbatim"sv);

    Bytes ftypBody;
    put(ftypBody, "isom"sv);
    put32(ftypBody, 0x200);
    put(ftypBody, "isommp41"sv);
    const Bytes ftyp = box("ftyp", ftypBody);

    Bytes matrix;
    for (const std::uint32_t v : {0x00010000u, 0u, 0u, 0u, 0x00010000u, 0u, 0u, 0u, 0x40000000u})
        put32(matrix, v);

    auto moovFor = [&](std::uint32_t chunkOffset) {
        Bytes mvhd;
        zeros(mvhd, 8); // creation, modification
        put32(mvhd, 1000);
        put32(mvhd, 1000);
        put32(mvhd, 0x00010000); // rate 1.0
        put16(mvhd, 0x0100);     // volume 1.0
        zeros(mvhd, 10);
        put(mvhd, matrix);
        zeros(mvhd, 24);
        put32(mvhd, 2); // next track id

        Bytes tkhd;
        zeros(tkhd, 8);
        put32(tkhd, 1); // track id
        zeros(tkhd, 4);
        put32(tkhd, 1000);
        zeros(tkhd, 16); // reserved, layer, alternate group, volume, reserved
        put(tkhd, matrix);
        put32(tkhd, 40u << 16);
        put32(tkhd, 8u << 16);

        Bytes mdhd;
        zeros(mdhd, 8);
        put32(mdhd, 1000);
        put32(mdhd, 1000);
        put16(mdhd, 0x55C4); // "und"
        put16(mdhd, 0);
        Bytes hdlr;
        zeros(hdlr, 4);
        put(hdlr, "vide"sv);
        zeros(hdlr, 12);
        put(hdlr, "VideoHandler\0"sv);

        Bytes stts, stsc, stsz, stco;
        put32(stts, 1), put32(stts, 1), put32(stts, 1000);
        put32(stsc, 1), put32(stsc, 1), put32(stsc, 1), put32(stsc, 1);
        put32(stsz, 0), put32(stsz, 1), put32(stsz, static_cast<std::uint32_t>(p.mdatPayload.size()));
        put32(stco, 1), put32(stco, chunkOffset);
        const Bytes stbl = box("stbl",
                               concat({fullBox("stsd", 0, be32Bytes(0)),
                                       fullBox("stts", 0, stts),
                                       fullBox("stsc", 0, stsc),
                                       fullBox("stsz", 0, stsz),
                                       fullBox("stco", 0, stco)}));
        const Bytes dinf = box("dinf", fullBox("dref", 0, concat({be32Bytes(1), fullBox("url ", 1, Bytes{})})));
        const Bytes minf = box("minf", concat({fullBox("vmhd", 1, Bytes(8, 0)), dinf, stbl}));
        const Bytes mdia = box("mdia", concat({fullBox("mdhd", 0, mdhd), fullBox("hdlr", 0, hdlr), minf}));

        Bytes trakBody = fullBox("tkhd", 3, tkhd);
        if (metadata) {
            Bytes firmware{0, 0, 0, 1, 0, 0, 0, 0};
            put(firmware, "PostCam firmware 1.2"sv);
            Bytes mdirHdlr;
            zeros(mdirHdlr, 4);
            put(mdirHdlr, "mdir"sv);
            zeros(mdirHdlr, 13);
            put(trakBody,
                fullBox("meta",
                        0,
                        concat({fullBox("hdlr", 0, mdirHdlr), box("ilst", box("\xA9too", box("data", firmware)))})));
        }
        put(trakBody, mdia);

        Bytes moovBody = fullBox("mvhd", 0, mvhd);
        put(moovBody, box("trak", trakBody));
        if (metadata) {
            Bytes xyz; // QuickTime user data text: 16-bit length, 16-bit language, text
            put16(xyz, static_cast<std::uint32_t>(kIso6709.size()));
            put16(xyz, 0x15C7);
            put(xyz, kIso6709);
            Bytes mak;
            put16(mak, static_cast<std::uint32_t>(kCameraMake.size()));
            put16(mak, 0x15C7);
            put(mak, kCameraMake);
            put(moovBody, box("udta", concat({box("\xA9xyz", xyz), box("\xA9mak", mak)})));

            Bytes mdtaHdlr;
            zeros(mdtaHdlr, 4);
            put(mdtaHdlr, "mdta"sv);
            zeros(mdtaHdlr, 13);
            Bytes key = box("mdta", asBytes("com.apple.quicktime.location.ISO6709"sv));
            Bytes keys = be32Bytes(1);
            put(keys, key);
            Bytes value{0, 0, 0, 1, 0, 0, 0, 0};
            put(value, kIso6709);
            const Bytes data = box("data", value);
            Bytes item;
            put32(item, static_cast<std::uint32_t>(8 + data.size()));
            put32(item, 1); // key index 1
            put(item, data);
            put(moovBody,
                fullBox("meta",
                        0,
                        concat({fullBox("hdlr", 0, mdtaHdlr), fullBox("keys", 0, keys), box("ilst", item)})));
        }
        return box("moov", moovBody);
    };

    Bytes uuid;
    if (metadata) {
        Bytes body{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC};
        put(body, xmpPacket());
        uuid = box("uuid", body);
    }
    const std::size_t before = ftyp.size() + moovFor(0).size() + uuid.size();
    p.mdatPayloadOffset = before + 8;
    p.file = concat({ftyp, moovFor(static_cast<std::uint32_t>(p.mdatPayloadOffset)), uuid, box("mdat", p.mdatPayload)});
    return p;
}

bool contains(ByteView haystack, ByteView needle)
{
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

bool contains(ByteView haystack, std::string_view needle)
{
    return contains(haystack, asBytes(needle));
}

} // namespace postern::test::media
