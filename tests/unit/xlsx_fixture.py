"""Workbooks for the tests, written at test time (tests/unit/xlsx_fixture.hpp runs a script
that imports this module). openpyxl (Debian's python3-openpyxl) writes files as a spreadsheet
program saves them; raw_xlsx writes hand-made XML (shared strings, exponents, styles) that
openpyxl never writes; raw_zip and bomb write archives no spreadsheet program writes at all."""
import struct
import zipfile
import zlib
from xml.sax.saxutils import quoteattr

NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="' + R + '/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (XML + '<workbook xmlns="' + NS + '" xmlns:r="' + R + '">{pr}<sheets>'
            '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="' + R + '/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="' + R + '/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="' + R + '/styles" Target="styles.xml"/></Relationships>')


def sheet_xml(rows):
    return XML + '<worksheet xmlns="' + NS + '"><sheetData>' + rows + '</sheetData></worksheet>'


def styles_xml(cell_formats, custom=None):
    """A styles part: cell style i has number format cell_formats[i]; custom maps ids to codes."""
    fmts = ''.join('<numFmt numFmtId="%d" formatCode=%s/>' % (i, quoteattr(code))
                   for i, code in (custom or {}).items())
    xfs = ''.join('<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0"/>' % f
                  for f in cell_formats)
    return (XML + '<styleSheet xmlns="' + NS + '"><numFmts>' + fmts + '</numFmts>'
            '<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>'  # not cell styles: ignored
            '<cellXfs>' + xfs + '</cellXfs></styleSheet>')


def raw_xlsx(path, rows, shared=None, styles=None, date1904=False, parts=None, stored=False):
    """An .xlsx of hand-written XML: rows is the inside of <sheetData>, shared the inside of
    <sst> (None: no shared strings part), styles a whole styles part; parts adds, replaces or
    (with None) removes parts."""
    files = {
        '[Content_Types].xml': CONTENT_TYPES,
        '_rels/.rels': ROOT_RELS,
        'xl/workbook.xml': WORKBOOK.format(pr='<workbookPr date1904="1"/>' if date1904 else ''),
        'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
        'xl/worksheets/sheet1.xml': sheet_xml(rows),
    }
    if shared is not None:
        files['xl/sharedStrings.xml'] = XML + '<sst xmlns="' + NS + '">' + shared + '</sst>'
    if styles is not None:
        files['xl/styles.xml'] = styles
    files.update(parts or {})
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, 'w', method) as z:
        for name, text in files.items():
            if text is not None:
                z.writestr(name, text)


def raw_zip(path, entries):
    """A zip written field by field, so that an entry may declare any size: entries are
    (name, raw deflate data, declared crc, declared size)."""
    with open(path, 'wb') as out:
        central = []
        for name, data, crc, size in entries:
            offset = out.tell()
            n = name.encode()
            out.write(struct.pack('<4sHHHHHLLLHH', b'PK\x03\x04', 20, 0, 8, 0, 0x21, crc,
                                  len(data), size, len(n), 0) + n)
            out.write(data)
            central.append(struct.pack('<4sHHHHHHLLLHHHHHLL', b'PK\x01\x02', 20, 20, 0, 8, 0,
                                       0x21, crc, len(data), size, len(n), 0, 0, 0, 0, 0,
                                       offset) + n)
        start = out.tell()
        for c in central:
            out.write(c)
        out.write(struct.pack('<4sHHHHLLH', b'PK\x05\x06', 0, 0, len(entries), len(entries),
                              out.tell() - start, start, 0))


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def deflated_repeat(prefix, filler, count, suffix):
    """Raw deflate data for prefix + filler * count + suffix, made in milliseconds however
    large: after a full flush the compressor starts afresh, so every filler compresses alike."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(filler) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(filler) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    return head + block * count + c.compress(suffix) + c.flush()


def bomb(path, mib, declared=None):
    """A workbook whose sheet inflates to `mib` MiB (spaces inside <sheetData>, well-formed to
    the end) from a few KiB, declaring `declared` bytes (default: the truth)."""
    prefix, suffix = sheet_xml('|').encode().split(b'|')
    data = deflated_repeat(prefix, b' ' * (1 << 20), mib, suffix)
    size = len(prefix) + (mib << 20) + len(suffix)
    entries = []
    for name, text in [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', ROOT_RELS),
                       ('xl/workbook.xml', WORKBOOK.format(pr='')),
                       ('xl/_rels/workbook.xml.rels', WORKBOOK_RELS)]:
        b = text.encode()
        entries.append((name, deflate(b), zlib.crc32(b), len(b)))
    # The crc is never reached: the reader refuses long before the end.
    entries.append(('xl/worksheets/sheet1.xml', data, 0, size if declared is None else declared))
    raw_zip(path, entries)
