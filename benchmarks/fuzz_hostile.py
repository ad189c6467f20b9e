"""Hostile files for the upload fuzzing benchmark (benchmarks/fuzz_uploads.py).

Every file is made deterministically from a seed, from a handful of valid bases (a voucher CSV and XLSX,
an organisation CSV, an assessment framework, a record-book kinds catalogue, a holiday calendar, and the
attachments a report may carry: a photo with EXIF, a PNG, a PDF, a Word file) and a list of mutations:
truncations, bit flips, wrong and mixed encodings, huge cells, deep XML and entity expansion, zip bombs,
formulas, 10,000 columns, empty files and sheets, duplicate headers, YAML alias bombs and deep nesting,
binary junk, pictures declaring billions of pixels, PDF stream bombs and Word packages that unpack to
gigabytes. The few expensive files (the zip bomb, the files over the size limit) are made once and shared
by name.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

VOUCHER_HEADER = ["行号", "单位代码", "凭证号", "凭证日期", "费用类别", "金额", "摘要", "收款人", "发票代码",
                  "发票号码", "开票日期", "票据类型", "经办人", "证明人", "审批人", "审批日期", "支付方式", "人员编号"]


@dataclass(frozen=True)
class Hostile:
    name: str  # unique file name, with the extension the upload will see
    kind: str  # the mutation family, for the report
    path: Path


def voucher_rows(n: int, org: str, rng: random.Random) -> list[list[str]]:
    rows = []
    for i in range(n):
        day = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
        rows.append([f"Z{i:06d}", org, f"记-2025-{i + 1:04d}", day, "办公费", f"{rng.uniform(10, 900):.2f}",
                     "购买办公用品", f"供应商{rng.randrange(1000):03d}", "045001", f"{rng.randrange(10**8):08d}", day,
                     "增值税普通发票", "韦会计", "覃出纳", "蒙主任", day, "转账", "P0001"])
    return rows


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(sheets: dict[str, str]) -> bytes:
    """A minimal XLSX written by hand, so that the sheet XML can be anything (deep, entity-laden, huge)."""
    names = list(sheets)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.'
                      'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(names)))
            + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<sheets>" + "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
            + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">' + "".join(
                f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(names)))
            + "</Relationships>"))
        for i, n in enumerate(names):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheets[n])
    return buf.getvalue()


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_xml(rows: list[list[str]], *, formulas: dict[tuple[int, int], str] | None = None, prolog: str = "") -> str:
    out = [f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows):
        out.append(f'<row r="{r + 1}">')
        for c, value in enumerate(row):
            ref = f"{_col(c)}{r + 1}"
            f = (formulas or {}).get((r, c))
            if f is not None:
                out.append(f'<c r="{ref}"><f>{f}</f></c>')  # no cached value: the reader must evaluate or refuse
            else:
                v = str(value).replace("&", "&amp;").replace("<", "&lt;")
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def zip_bomb_xlsx(path: Path, rows: int = 5_000_000) -> None:
    """An XLSX of about 1.5 MB whose sheet unpacks to hundreds of MB (five million identical rows)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        base = xlsx_bytes({"凭证": "<x/>"})
        with zipfile.ZipFile(io.BytesIO(base)) as src:
            for item in src.infolist():
                if item.filename != "xl/worksheets/sheet1.xml":
                    z.writestr(item, src.read(item))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData>')
            row = (b'<row><c t="inlineStr"><is><t>Z1</t></is></c><c t="inlineStr"><is><t>QH-T01</t></is></c>'
                   b'<c t="inlineStr"><is><t>2025-01-01</t></is></c><c><v>100</v></c></row>')
            chunk = row * 10_000
            for _ in range(rows // 10_000):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>")


def yaml_alias_bomb(levels: int = 9) -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"code: bomb\nindicators: *a{levels - 1}")
    return ("\n".join(lines) + "\n").encode()


class Factory:
    """Writes the bases and the hostile files derived from them into ``root``."""

    def __init__(self, root: Path, repo: Path, *, seed: int, org_code: str):
        self.root = root
        self.repo = repo
        self.rng = random.Random(seed)
        self.org = org_code
        root.mkdir(parents=True, exist_ok=True)
        rows = voucher_rows(40, org_code, random.Random(seed))
        self.bases: dict[str, tuple[str, bytes]] = {
            "voucher_csv": (".csv", csv_bytes(VOUCHER_HEADER, rows)),
            "voucher_xlsx": (".xlsx", xlsx_bytes({"凭证": sheet_xml([VOUCHER_HEADER, *rows])})),
            "orgs_xlsx": (".xlsx", (repo / "cleangov/data/samples/orgs-sample.xlsx").read_bytes()),
            "framework_yaml": (".yaml", (repo / "cleangov/data/assessment/midyear.yaml").read_bytes()),
            "kinds_yaml": (".yaml", (repo / "cleangov/data/ledgers/kinds.yaml").read_bytes()),
            "calendar_csv": (".csv", (repo / "voucher_audit/standards/calendars/cn-2026.csv").read_bytes()),
            "photo_jpg": (".jpg", photo_jpeg()),
            "scan_pdf": (".pdf", small_pdf()),
            "letter_docx": (".docx", small_docx()),
        }
        self.rows = rows

    def _write(self, name: str, kind: str, data: bytes) -> Hostile:
        path = self.root / name
        path.write_bytes(data)
        return Hostile(name, kind, path)

    # --- mutations of any base: (family, function(base bytes, rng) -> bytes) -------------------------------
    def mutations(self) -> list[tuple[str, Callable[[bytes, random.Random], bytes]]]:
        def truncate(b, r):
            return b[: r.randrange(0, max(1, len(b)))]

        def bitflip(b, r):
            a = bytearray(b)
            for _ in range(r.randrange(1, 12)):
                i = r.randrange(len(a))
                a[i] ^= 1 << r.randrange(8)
            return bytes(a)

        def byte_junk(b, r):
            a = bytearray(b)
            i = r.randrange(len(a))
            a[i:i] = bytes(r.randrange(256) for _ in range(r.randrange(1, 64)))
            return bytes(a)

        def gbk(b, r):
            return _reencode(b, "gbk")

        def gbk_behind_bom(b, r):
            return b"\xef\xbb\xbf" + _reencode(b, "gbk")

        def utf16(b, r):
            return _reencode(b, "utf-16")

        def mixed(b, r):
            half = len(b) // 2
            return b[:half] + _reencode(b[half:], "gbk")

        def nul_bytes(b, r):
            return b.replace(b",", b",\x00", r.randrange(1, 20))

        def cr_only(b, r):
            return b.replace(b"\r\n", b"\r").replace(b"\n", b"\r")

        def no_newline(b, r):
            return b.replace(b"\n", b" ")

        def repeated(b, r):
            return b * r.randrange(2, 40)

        return [("truncated", truncate), ("bit-flip", bitflip), ("junk-bytes", byte_junk), ("gbk", gbk),
                ("gbk-behind-utf8-bom", gbk_behind_bom), ("utf-16", utf16), ("mixed-encoding", mixed),
                ("nul-bytes", nul_bytes), ("cr-only", cr_only), ("one-line", no_newline), ("repeated", repeated)]

    # --- structural files --------------------------------------------------------------------------------
    def structural(self) -> Iterator[Hostile]:
        h, rows, r = VOUCHER_HEADER, self.rows, self.rng
        yield self._write("empty.csv", "empty", b"")
        yield self._write("empty.xlsx", "empty", b"")
        yield self._write("empty.yaml", "empty", b"")
        yield self._write("header-only.csv", "empty", csv_bytes(h, []))
        yield self._write("empty-sheet.xlsx", "empty-sheet", xlsx_bytes({"凭证": sheet_xml([])}))
        yield self._write("no-sheets.xlsx", "empty-sheet", xlsx_bytes({}))
        yield self._write("duplicate-headers.csv", "duplicate-headers", csv_bytes(h + h[:5], [x + x[:5] for x in rows]))
        yield self._write("duplicate-headers.xlsx", "duplicate-headers",
                          xlsx_bytes({"凭证": sheet_xml([h + h[:5]] + [x + x[:5] for x in rows])}))
        wide = h + [f"列{i}" for i in range(10_000)]
        yield self._write("10000-columns.csv", "10000-columns", csv_bytes(wide, [x + ["1"] * 10_000 for x in rows[:5]]))
        yield self._write("10000-columns.xlsx", "10000-columns",
                          xlsx_bytes({"凭证": sheet_xml([wide] + [x + ["1"] * 10_000 for x in rows[:3]])}))
        for size, label in ((300_000, "300k"), (2_001, "2001"), (7_000_000, "21mb")):
            big = [list(x) for x in rows[:3]]
            big[1][6] = "摘" * size
            yield self._write(f"huge-cell-{label}.csv", "huge-cell", csv_bytes(h, big))
            if size <= 300_000:
                yield self._write(f"huge-cell-{label}.xlsx", "huge-cell", xlsx_bytes({"凭证": sheet_xml([h, *big])}))
        for day in ("2099-01-01", "1900-01-01", "0000-00-00", "2025-02-30", "9999-12-31"):
            bad = [list(x) for x in rows[:5]]
            bad[2][3] = day
            yield self._write(f"date-{day}.csv", "implausible-date", csv_bytes(h, bad))
        for n, f in enumerate(("9**9**9", "9^9^9", "1/0", "A1", "SUM(A1:XFD1048576)", "INDIRECT(\"A1\")",
                               "WEBSERVICE(\"http://127.0.0.1/\")", "__import__('os')", "(((((((((((1)))))))))))" * 50,
                               "1" + "+1" * 100_000)):
            yield self._write(f"formula-{n}.xlsx", "formula",
                              xlsx_bytes({"凭证": sheet_xml([h, *rows[:3]], formulas={(2, 5): f})}))
        deep = "<a>" * 100_000 + "</a>" * 100_000
        yield self._write("deep-xml.xlsx", "deep-xml", xlsx_bytes({"凭证": sheet_xml([h], prolog="")[:-len(
            "</sheetData></worksheet>")] + deep + "</sheetData></worksheet>"}))
        yield self._write("billion-laughs.xlsx", "entity-expansion", xlsx_bytes({"凭证": sheet_xml(
            [h, ["&lol9;"] * len(h)], prolog=BILLION_LAUGHS).replace("&amp;lol9;", "&lol9;")}))
        yield self._write("external-entity.xlsx", "entity-expansion", xlsx_bytes({"凭证": sheet_xml(
            [h, ["&xxe;"] * len(h)], prolog='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        ).replace("&amp;xxe;", "&xxe;")}))
        yield self._write("not-a-zip.xlsx", "wrong-type", b"PK\x03\x04" + bytes(r.randrange(256) for _ in range(4096)))
        yield self._write("png-named.csv", "wrong-type", b"\x89PNG\r\n\x1a\n" + bytes(r.randrange(256) for _ in range(2048)))
        yield self._write("random.yaml", "wrong-type", bytes(r.randrange(256) for _ in range(4096)))
        yield self._write("yaml-alias-bomb.yaml", "yaml-bomb", yaml_alias_bomb())
        yield self._write("yaml-deep.yaml", "yaml-deep", b"[" * 50_000 + b"]" * 50_000)
        yield self._write("yaml-python-tag.yaml", "yaml-tag", b"!!python/object/apply:os.system ['true']\n")
        yield self._write("yaml-huge-string.yaml", "huge-cell", b"code: x\nname: " + b"a" * 30_000_000 + b"\n")
        yield from self.attachment_bombs()
        zb = self.root / "zip-bomb.xlsx"
        zip_bomb_xlsx(zb)
        yield Hostile(zb.name, "zip-bomb", zb)
        over = self.root / "over-50mb.csv"
        with over.open("wb") as f:
            f.write(csv_bytes(h, []))
            line = csv_bytes(h, rows[:1]).split(b"\n", 1)[1]
            f.write(line * (52 * 1024 * 1024 // len(line) + 1))
        yield Hostile(over.name, "over-size", over)
        many = self.root / "2.1m-rows.csv"
        with many.open("wb") as f:
            f.write("行号,单位代码\n".encode())
            f.write(b"".join(f"Z{i},{self.org}\n".encode() for i in range(2_100_000)))
        yield Hostile(many.name, "too-many-rows", many)

    def attachment_bombs(self) -> Iterator[Hostile]:
        """Pictures, PDFs and Word files whose small size hides a large decoded size, or whose structure lies."""
        from PIL import Image

        for (w, h), label in (((9000, 8000), "72mp"), ((30000, 30000), "900mp")):
            out = io.BytesIO()
            Image.new("1", (w, h)).save(out, format="PNG")
            yield self._write(f"pixel-bomb-{label}.png", "pixel-bomb", out.getvalue())
        jpeg = bytearray(photo_jpeg())
        sof = jpeg.find(b"\xff\xc0")
        jpeg[sof + 5:sof + 9] = (65000).to_bytes(2, "big") * 2  # the frame header claims 65,000 × 65,000
        yield self._write("pixel-bomb-jpeg-header.jpg", "pixel-bomb", bytes(jpeg))
        yield self._write("pdf-stream-bomb.pdf", "pdf-bomb", pdf_stream_bomb())
        yield self._write("pdf-no-xref.pdf", "pdf-broken", b"%PDF-1.7\n" + bytes(self.rng.randrange(256)
                                                                                for _ in range(4096)))
        yield self._write("pdf-deep-arrays.pdf", "pdf-broken", small_pdf().replace(
            b"/Type /Catalog", b"/Type /Catalog /Deep " + b"[" * 100_000 + b"]" * 100_000, 1))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", b" " * 250_000_000)
        yield self._write("docx-zip-bomb.docx", "zip-bomb", buf.getvalue())
        docx = small_docx()
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        head, rest = parts["docProps/core.xml"].split(b"?>", 1)
        parts["docProps/core.xml"] = head + b"?>" + BILLION_LAUGHS.encode() + rest.replace(
            b"</cp:coreProperties>", b"<dc:description>&lol9;</dc:description></cp:coreProperties>")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        yield self._write("docx-billion-laughs.docx", "entity-expansion", buf.getvalue())
        yield self._write("docx-not-a-zip.docx", "wrong-type", b"PK\x03\x04" + bytes(self.rng.randrange(256)
                                                                                   for _ in range(4096)))
        yield self._write("huge-text.txt", "huge-cell", b"\xe6\x91\x98" * 3_000_000)

    def generate(self, count: int) -> list[Hostile]:
        files = list(self.structural())
        for name, (ext, data) in self.bases.items():  # the valid bases too: the control group
            files.append(self._write(f"valid-{name}{ext}", "valid", data))
        mutations = self.mutations()
        n = 0
        while len(files) < count:
            base = list(self.bases)[n % len(self.bases)]
            family, fn = mutations[(n // len(self.bases)) % len(mutations)]
            ext, data = self.bases[base]
            if ext in (".xlsx", ".jpg", ".pdf", ".docx") and family in ("gbk", "gbk-behind-utf8-bom", "utf-16", "mixed-encoding", "cr-only",
                                             "one-line", "nul-bytes"):
                family, fn = ("bit-flip", mutations[1][1]) if n % 2 else ("truncated", mutations[0][1])
            files.append(self._write(f"{family}-{base}-{n:04d}{ext}", family, fn(data, self.rng)))
            n += 1
        return files


def photo_jpeg() -> bytes:
    """A small photo with the metadata a phone writes (maker, model, time, GPS) and a comment."""
    from PIL import ExifTags, Image

    img = Image.new("RGB", (320, 240), (40, 120, 60))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "PhoneMaker", "Model-X", "2026:11:30 21:14:05"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (30.0, 15.0, 7.5), 3: "E", 4: (110.0, 20.0, 1.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif, comment=b"taken by a villager")
    return out.getvalue()


def small_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Zhang San"
    out = io.BytesIO()
    pdf.save(out, qdf=True)  # uncompressed objects, so the mutations touch the structure
    return out.getvalue()


def pdf_stream_bomb() -> bytes:
    """A page whose content stream, behind an ASCIIHex and a Flate layer, inflates to 1 GB of zeros."""
    import binascii
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    packer = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    raw = b"".join(packer.compress(chunk) for _ in range(1024)) + packer.flush()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(binascii.hexlify(raw) + b">")
    page.Contents.Filter = pikepdf.Array([pikepdf.Name.ASCIIHexDecode, pikepdf.Name.FlateDecode])
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    return out.getvalue()


def small_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("村里的账目有问题")
    doc.core_properties.author = "Li Si"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _reencode(b: bytes, encoding: str) -> bytes:
    return b.decode("utf-8", errors="replace").encode(encoding, errors="replace")
