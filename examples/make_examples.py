#!/usr/bin/env python3
"""Build planwatch's sample plan documents from the UTF-8 sources in examples/src/.

All three plans are fictional, written for planwatch's examples.

Outputs (written next to this script):
  mianyang-future-industries.txt   GB18030 plain text (no BOM, CRLF line endings)
  hefei-sci-tech-plan.html         UTF-8 HTML page as a government portal would serve it
  suzhou-emerging-industries.docx  minimal WordprocessingML package

Source markup (hefei / suzhou sources only; the Mianyang source is copied as-is):
  @title TEXT    centred title line
  @center TEXT   centred line
  @right TEXT    right-aligned line (signature, date)
  @box TEXT      column (专栏) caption, placed right before its table
  |a|b|c         table row; consecutive rows form one table; the first row is the header;
                 inside a cell, "¶" separates paragraphs
  &nbsp;         kept verbatim in HTML, turned into two spaces in DOCX
Any other non-empty line is one paragraph.

Standard library only.  Run:  python3 examples/make_examples.py
"""

import codecs
import html
import os
import re
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")


def read_src(name):
    with open(os.path.join(SRC, name), encoding="utf-8") as f:
        return f.read()


def parse_blocks(text):
    """Turn the marked-up source into a list of blocks.

    Each block is one of
      ("p", kind, text)        kind in {"title", "center", "right", "box", "body"}
      ("table", rows)          rows: list of lists of cells; a cell is a list of paragraphs
    """
    blocks = []
    rows = []

    def flush():
        if rows:
            blocks.append(("table", list(rows)))
            rows.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("|"):
            cells = line[1:].split("|")
            rows.append([c.split("¶") for c in cells])
            continue
        flush()
        m = re.match(r"@(title|center|right|box) (.*)$", line)
        if m:
            blocks.append(("p", m.group(1), m.group(2)))
        else:
            blocks.append(("p", "body", line))
    flush()
    return blocks


# ---------------------------------------------------------------------------
# 1. Mianyang: GB18030 plain text
# ---------------------------------------------------------------------------

def make_mianyang():
    text = read_src("mianyang-future-industries.txt")
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    text = text.replace("\n", "\r\n")
    data = codecs.encode(text, "gb18030")
    out = os.path.join(HERE, "mianyang-future-industries.txt")
    with open(out, "wb") as f:
        f.write(data)
    return out


# ---------------------------------------------------------------------------
# 2. Hefei: HTML page
# ---------------------------------------------------------------------------

CHAPTER_RE = re.compile(r"^第[一二三四五六七八九十]+章")
SECTION_RE = re.compile(r"^第[一二三四五六七八九十]+节")


def h(text):
    """Escape for HTML but keep &nbsp; entities from the source."""
    return html.escape(text, quote=False).replace("&amp;nbsp;", "&nbsp;")


def html_table(rows):
    out = ['<table class="zl-table" border="1" cellspacing="0" cellpadding="4" width="100%">']
    header, body = rows[0], rows[1:]
    out.append("  <thead>")
    out.append("    <tr>" + "".join("<th>%s</th>" % h("".join(c)) for c in header) + "</tr>")
    out.append("  </thead>")
    out.append("  <tbody>")
    for row in body:
        tds = []
        for i, cell in enumerate(row):
            if len(cell) == 1:
                inner = h(cell[0])
            else:
                inner = "".join('<p style="text-align:left">%s</p>' % h(p) for p in cell)
            align = ' style="text-align:left"' if (len(row) == 2 and i == 1) else ' align="center"'
            tds.append("<td%s>%s</td>" % (align, inner))
        out.append("    <tr>" + "".join(tds) + "</tr>")
    out.append("  </tbody>")
    out.append("</table>")
    return "\n".join(out)


def html_body(blocks):
    out = []
    for b in blocks:
        if b[0] == "table":
            out.append(html_table(b[1]))
            continue
        _, kind, text = b
        if kind == "title":
            out.append('<p style="text-align:center"><strong><span style="font-size:22px">%s</span></strong></p>' % h(text))
        elif kind == "center":
            out.append('<p style="text-align:center">%s</p>' % h(text))
        elif kind == "right":
            out.append('<p style="text-align:right">%s</p>' % h(text))
        elif kind == "box":
            out.append('<p class="zl-title" style="text-align:center"><strong>%s</strong></p>' % h(text))
        elif CHAPTER_RE.match(text):
            out.append('<p style="text-align:center"><strong><span style="font-family:黑体">%s</span></strong></p>' % h(text))
        elif SECTION_RE.match(text):
            out.append('<p style="text-indent:2em"><strong>%s</strong></p>' % h(text))
        else:
            out.append('<p style="text-indent:2em">%s</p>' % h(text))
    return "\n".join(out)


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="SiteName" content="合肥市人民政府">
<meta name="ArticleTitle" content="合肥市人民政府关于印发合肥市科技创新“十五五”规划的通知">
<meta name="PubDate" content="2026-02-03 10:30">
<title>合肥市人民政府关于印发合肥市科技创新“十五五”规划的通知_合肥市人民政府</title>
<link rel="stylesheet" href="/static/css/common.css">
<style>
  .zl-table {{ border-collapse: collapse; margin: 10px auto; }}
  .zl-table th, .zl-table td {{ border: 1px solid #999; }}
  .xxgk-table td {{ padding: 4px 8px; }}
</style>
</head>
<body>
<div class="header">
  <div class="logo"><a href="/">合肥市人民政府</a></div>
  <div class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></div>
</div>
<nav class="main-nav">
  <ul>
    <li><a href="/">首页</a></li>
    <li><a href="/zwgk/">政务公开</a></li>
    <li><a href="/zwfw/">政务服务</a></li>
    <li><a href="/hdjl/">互动交流</a></li>
    <li><a href="/zjhf/">走进合肥</a></li>
  </ul>
</nav>
<div class="breadcrumb">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="xxgk-meta">
<table class="xxgk-table" cellspacing="0" cellpadding="0">
  <tr><td class="label">索引号：</td><td>003138163/202602-00015</td><td class="label">信息分类：</td><td>科技、教育 / 科技</td></tr>
  <tr><td class="label">发文字号：</td><td>合政〔2026〕8号</td><td class="label">发布机构：</td><td>合肥市人民政府</td></tr>
  <tr><td class="label">成文日期：</td><td>2026-01-20</td><td class="label">发布日期：</td><td>2026-02-03</td></tr>
  <tr><td class="label">名称：</td><td colspan="3">合肥市人民政府关于印发合肥市科技创新“十五五”规划的通知</td></tr>
</table>
</div>
<div class="article">
<div class="article-tools">字号：<a href="javascript:void(0)" onclick="setFontSize(18)">大</a> <a href="javascript:void(0)" onclick="setFontSize(16)">中</a> <a href="javascript:void(0)" onclick="setFontSize(14)">小</a> | <a href="javascript:window.print()">打印本页</a></div>
<div class="article-content" id="zoom">
{body}
</div>
<div class="article-attach">相关附件：无</div>
<div class="related">相关解读：<a href="/zwgk/jd/">《合肥市科技创新“十五五”规划》政策解读</a></div>
</div>
<footer class="footer">
  <div class="qrcode"><img src="/static/img/qrcode.png" alt="二维码"><p>扫一扫在手机打开当前页</p></div>
  <p><a href="/about/">关于本网</a> | <a href="/sitemap/">网站地图</a> | <a href="/contact/">联系我们</a></p>
  <p>主办：合肥市人民政府办公室　承办：合肥市数据资源局</p>
  <p>政务服务便民热线：12345　网站标识码：3401000001</p>
  <p>备案号：皖ICP备05000000号-1　皖公网安备 34010402700000号</p>
</footer>
<script type="text/javascript">
  function setFontSize(size) {{
    var el = document.getElementById("zoom");
    if (el) {{ el.style.fontSize = size + "px"; }}
  }}
  (function () {{
    var visits = document.createElement("script");
    visits.src = "/static/js/stat.js?site=hefei&page=" + encodeURIComponent(location.pathname);
    document.body.appendChild(visits);
    window.__articleMeta = {{ "title": "合肥市科技创新“十五五”规划", "docNo": "合政〔2026〕8号" }};
  }})();
</script>
</body>
</html>
"""


def make_hefei():
    blocks = parse_blocks(read_src("hefei-sci-tech-plan.txt"))
    page = HTML_TEMPLATE.format(body=html_body(blocks))
    out = os.path.join(HERE, "hefei-sci-tech-plan.html")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(page)
    return out


# ---------------------------------------------------------------------------
# 3. Suzhou: DOCX
# ---------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
HEAD2_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"

LEVEL1_RE = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2_RE = re.compile(r"^（[一二三四五六七八九十]+）")
LEVEL3_RE = re.compile(r"^\d+、")
LEVEL4_RE = re.compile(r"^\(\d+\)")


def x(text):
    return html.escape(text, quote=False)


def run(text, font=BODY_FONT, bold=False, size=32):
    rpr = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="%s"/>' % font
    if bold:
        rpr += "<w:b/>"
    rpr += '<w:sz w:val="%d"/><w:szCs w:val="%d"/>' % (size, size)
    return '<w:r><w:rPr>%s</w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, x(text))


def para(runs, jc=None, indent=True, spacing=None):
    ppr = ""
    if spacing:
        ppr += spacing
    if jc:
        ppr += '<w:jc w:val="%s"/>' % jc
    elif indent:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
    ppr_xml = "<w:pPr>%s</w:pPr>" % ppr if ppr else ""
    return "<w:p>%s%s</w:p>" % (ppr_xml, "".join(runs))


def split_lead(text):
    """Split a run-in heading ("1、集成电路。正文……") into lead and rest."""
    i = text.find("。")
    if i == -1:
        return text, ""
    return text[: i + 1], text[i + 1 :]


def docx_paragraph(kind, text):
    text = text.replace("&nbsp;", "  ")
    if kind == "title":
        return para([run(text, TITLE_FONT, size=44)], jc="center",
                    spacing='<w:spacing w:before="240" w:after="240"/>')
    if kind == "center":
        return para([run(text, BODY_FONT)], jc="center")
    if kind == "right":
        return para([run(text, BODY_FONT)], jc="right")
    if kind == "box":
        return para([run(text, HEAD_FONT, bold=True, size=28)], jc="center")
    if LEVEL1_RE.match(text):
        return para([run(text, HEAD_FONT)])
    if LEVEL2_RE.match(text):
        lead, rest = split_lead(text)
        runs = [run(lead, HEAD2_FONT, bold=True)]
        if rest:
            runs.append(run(rest))
        return para(runs)
    if LEVEL3_RE.match(text) or LEVEL4_RE.match(text):
        lead, rest = split_lead(text)
        runs = [run(lead, BODY_FONT, bold=True)]
        if rest:
            runs.append(run(rest))
        return para(runs)
    return para([run(text)])


def docx_table(rows):
    ncols = max(len(r) for r in rows)
    widths = [2200, 6800] if ncols == 2 else [9000 // ncols] * ncols
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = ["<w:tbl>",
           '<w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>%s</w:tblBorders></w:tblPr>'
           % (sum(widths), borders),
           "<w:tblGrid>" + "".join('<w:gridCol w:w="%d"/>' % wd for wd in widths) + "</w:tblGrid>"]
    for ri, row in enumerate(rows):
        out.append("<w:tr>")
        for ci, cell in enumerate(row):
            out.append('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>' % widths[ci])
            for ptext in cell:
                jc = "center" if (ri == 0 or ci == 0) else "both"
                out.append(para([run(ptext, HEAD_FONT if ri == 0 else BODY_FONT, bold=(ri == 0), size=24)],
                                jc=jc))
            out.append("</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def make_suzhou():
    blocks = parse_blocks(read_src("suzhou-emerging-industries.txt"))
    parts = []
    for b in blocks:
        if b[0] == "table":
            parts.append(docx_table(b[1]))
        else:
            parts.append(docx_paragraph(b[1], b[2]))
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
            'w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s%s</w:body></w:document>'
                % (W_NS, R_NS, "".join(parts), sect))

    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '</Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        '</Relationships>')
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:title>苏州市战略性新兴产业发展“十五五”规划</dc:title>'
        '<dc:creator>苏州市发展和改革委员会</dc:creator>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-02-10T09:00:00Z</dcterms:created>'
        '</cp:coreProperties>')

    out = os.path.join(HERE, "suzhou-emerging-industries.docx")
    stamp = (2026, 2, 10, 9, 0, 0)  # fixed timestamp: byte-identical output on every run
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", content_types),
                           ("_rels/.rels", rels),
                           ("docProps/core.xml", core),
                           ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"))
    return out


def main():
    for fn in (make_mianyang, make_hefei, make_suzhou):
        path = fn()
        print("wrote %s (%d bytes)" % (os.path.relpath(path, os.path.dirname(HERE)), os.path.getsize(path)))


if __name__ == "__main__":
    main()
