"""Fills the national 2021 report format template (format-template-blank.docx,
a DOCX saved by WPS Office) with known numbers and writes each variant with
the cells xxgk must read from it (`NAME.expected.csv`, `table,row,column,value`,
an empty value for a cell the document leaves blank).

    pip install python-docx
    python3 samples/attach/make_docx_samples.py TEMPLATE.docx samples/attach/

The numbers come from a fixed seed, so the files are reproducible; each
variant's table 三 and 四 are consistent with the template's sums unless the
variant says otherwise.
"""

import copy
import csv
import random
import sys
from pathlib import Path

import docx
from docx.oxml.ns import qn

COLUMNS = ["natural_person", "commercial_enterprise", "research_institution",
           "social_welfare_org", "legal_service_org", "other_org", "total"]
RESULT_ROWS = [
    "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability",
    "denied_third_party_rights", "denied_internal_affairs", "denied_process_information",
    "denied_law_enforcement_files", "denied_administrative_query",
    "unable_not_held", "unable_needs_creation", "unable_unclear_after_correction",
    "not_processed_complaint", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
    "other_no_correction", "other_unpaid_fee", "other_other",
]
# Table 三's rows in the template's order, from its fourth row on.
APPLICATION_ROWS = ["new_received", "carried_over", *RESULT_ROWS, "total_processed", "carried_forward"]
GROUPS = {
    "denied": RESULT_ROWS[2:10],
    "unable": RESULT_ROWS[10:13],
    "not_processed": RESULT_ROWS[13:18],
    "other": RESULT_ROWS[18:21],
}
REVIEW_ROWS = ["review", "litigation_direct", "litigation_after_review"]
REVIEW_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]


def consistent_numbers(seed):
    """Table 二, 三 and 四 values whose sums hold."""
    rng = random.Random(seed)
    active = {
        ("regulations", "issued"): rng.randint(0, 3),
        ("regulations", "repealed"): rng.randint(0, 2),
        ("regulations", "in_force"): rng.randint(5, 30),
        ("normative_documents", "issued"): rng.randint(5, 40),
        ("normative_documents", "repealed"): rng.randint(0, 20),
        ("normative_documents", "in_force"): rng.randint(40, 200),
        ("licensing", "decisions"): rng.randint(1000, 90000),
        ("punishment", "decisions"): rng.randint(100, 9000),
        ("coercion", "decisions"): rng.randint(0, 900),
        ("fees", "amount_wan_yuan"): f"{rng.randint(100, 99999)}.{rng.randint(10, 99)}",
    }
    apps = {}
    for col in COLUMNS[:6]:
        heavy = col == "natural_person"
        results = {row: rng.choice([0, 0, 0, rng.randint(0, 40 if heavy else 3)]) for row in RESULT_ROWS}
        total_processed = sum(results.values())
        carried_over = rng.randint(0, 9 if heavy else 1)
        carried_forward = rng.randint(0, carried_over + 2)
        new_received = total_processed + carried_forward - carried_over
        if new_received < 0:
            carried_forward -= new_received
            new_received = 0
        column = {"new_received": new_received, "carried_over": carried_over, **results,
                  "total_processed": total_processed, "carried_forward": carried_forward}
        for row, value in column.items():
            apps[(row, col)] = value
    for row in APPLICATION_ROWS:
        apps[(row, "total")] = sum(apps[(row, c)] for c in COLUMNS[:6])
    review = {}
    for row in REVIEW_ROWS:
        parts = [rng.randint(0, 12) for _ in range(4)]
        for col, value in zip(REVIEW_COLUMNS, parts + [sum(parts)]):
            review[(row, col)] = value
    return active, apps, review


def set_text(cell, text):
    """Replaces a cell's text, keeping its first paragraph's formatting."""
    paragraphs = cell.paragraphs
    paragraphs[0].text = str(text)
    for extra in paragraphs[1:]:
        extra._element.getparent().remove(extra._element)


def fill(document, active, apps, review, blank=()):
    """Writes the numbers into the template's three tables. `blank` maps
    (table, row, column) to the text a blank cell shows ('' or a marker)."""
    blank = dict(blank)
    table2, table3, table4 = document.tables[:3]

    def text(table, key, value):
        return blank.get((table, *key), value)

    rows2 = {2: "regulations", 3: "normative_documents", 6: "licensing",
             9: "punishment", 10: "coercion", 13: "fees"}
    for r, row in rows2.items():
        cells = table2.rows[r].cells
        if row in ("regulations", "normative_documents"):
            for c, col in enumerate(["issued", "repealed", "in_force"], start=1):
                set_text(cells[c], text("active_disclosure", (row, col), active[(row, col)]))
        else:
            col = "amount_wan_yuan" if row == "fees" else "decisions"
            set_text(cells[1], text("active_disclosure", (row, col), active[(row, col)]))
    for r, row in enumerate(APPLICATION_ROWS, start=3):
        cells = table3.rows[r].cells
        for c, col in enumerate(COLUMNS, start=3):
            set_text(cells[c], text("applications", (row, col), apps[(row, col)]))
    cells = table4.rows[3].cells
    for i, (row, col) in enumerate((r, c) for r in REVIEW_ROWS for c in REVIEW_COLUMNS):
        set_text(cells[i], text("review_litigation", (row, col), review[(row, col)]))


def describe(document, agency, year):
    """Gives the template a title, an agency and prose in place of its placeholders."""
    for p in document.paragraphs:
        if p.text == "政府信息公开工作年度报告格式模板":
            p.text = f"{agency}{year}年政府信息公开工作年度报告"
        elif p.text.startswith("（文字描述）"):
            p.text = f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，推进政务公开工作。"
        elif p.text.startswith("（文字描述，收取"):
            p.text = f"{year}年，本机关未收取政府信息公开信息处理费。"


def expected_rows(active, apps, review, blank=(), subtotals=False):
    blank = dict(blank)
    rows = []
    for (row, col), value in active.items():
        rows.append(("active_disclosure", row, col, value))
    for row in APPLICATION_ROWS:
        if subtotals:
            for group, items in GROUPS.items():
                if items[0] == row:
                    for col in COLUMNS:
                        total = sum(apps[(item, col)] for item in items)
                        rows.append(("applications", f"{group}_subtotal", col, total))
        for col in COLUMNS:
            rows.append(("applications", row, col, apps[(row, col)]))
    for (row, col), value in review.items():
        rows.append(("review_litigation", row, col, value))
    out = []
    for table, row, col, value in rows:
        shown = blank.get((table, row, col))
        out.append((table, row, col, "" if shown is not None else value))
    return out


def write_expected(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["table", "row", "column", "value"])
        writer.writerows(rows)


def insert_subtotal_rows(document, apps):
    """Adds a subtotal row above the first item of （三）（四）（五）（六）: the
    group's label over two columns, then the sums of its items."""
    table3 = document.tables[1]
    trs = table3._tbl.findall(qn("w:tr"))
    for group, items in GROUPS.items():
        first = trs[3 + APPLICATION_ROWS.index(items[0])]
        row = copy.deepcopy(first)
        tcs = row.findall(qn("w:tc"))
        # tcs: 三、本年度办理结果 (merged down) | group label | item label | 7 values
        group_cell, item_cell = tcs[1], tcs[2]
        tc_pr = group_cell.find(qn("w:tcPr"))
        for merge in tc_pr.findall(qn("w:vMerge")):
            tc_pr.remove(merge)
        span = tc_pr.find(qn("w:gridSpan"))
        if span is None:
            span = tc_pr.makeelement(qn("w:gridSpan"), {})
            tc_pr.insert(1, span)
        span.set(qn("w:val"), "2")
        row.remove(item_cell)
        # The outer label cell continues its merge.
        outer_pr = tcs[0].find(qn("w:tcPr"))
        for merge in outer_pr.findall(qn("w:vMerge")):
            outer_pr.remove(merge)
        outer_pr.append(outer_pr.makeelement(qn("w:vMerge"), {}))
        first.addprevious(row)
        new_cells = [c for c in docx.table._Row(row, table3).cells]
        # python-docx repeats a spanned cell: take the distinct value cells.
        values = []
        for cell in new_cells:
            if not values or cell._tc is not values[-1]._tc:
                values.append(cell)
        for cell, col in zip(values[-7:], COLUMNS):
            set_text(cell, sum(apps[(item, col)] for item in items))
        # The group's label cell keeps its own text.
        set_text(values[1], {"denied": "（三）不予公开", "unable": "（四）无法提供",
                             "not_processed": "（五）不予处理", "other": "（六）其他处理"}[group])


def split_review_table(document):
    """Splits table 四 in two, as a page break does: 行政复议 in one table and
    行政诉讼 in the next, a paragraph between them."""
    review = document.tables[2]._tbl
    litigation = copy.deepcopy(review)
    # Cells of each row that belong to 行政复议 (the rest are 行政诉讼's).
    review_cells = [1, 5, 5, 5]
    for tbl, keep_review in ((review, True), (litigation, False)):
        for tr, n in zip(tbl.findall(qn("w:tr")), review_cells):
            tcs = tr.findall(qn("w:tc"))
            for tc in (tcs[n:] if keep_review else tcs[:n]):
                tr.remove(tc)
        cols = tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
        for col in (cols[5:] if keep_review else cols[:5]):
            col.getparent().remove(col)
    paragraph = review.makeelement(qn("w:p"), {})
    review.addnext(paragraph)
    paragraph.addnext(litigation)


def main():
    template, out = Path(sys.argv[1]), Path(sys.argv[2])

    active, apps, review = consistent_numbers(2023)
    document = docx.Document(template)
    describe(document, "示例县人民政府", 2023)
    fill(document, active, apps, review)
    document.save(out / "docx-complete-2023.docx")
    write_expected(out / "docx-complete-2023.expected.csv", expected_rows(active, apps, review))

    active, apps, review = consistent_numbers(2024)
    blank = {("active_disclosure", "regulations", c): "" for c in ("issued", "repealed", "in_force")}
    blank[("active_disclosure", "coercion", "decisions")] = "/"
    blank.update({("applications", "other_unpaid_fee", c): "" for c in COLUMNS})
    blank.update({("applications", "carried_over", c): "—" for c in COLUMNS[1:6]})
    blank.update({("review_litigation", "litigation_after_review", c): "无" for c in REVIEW_COLUMNS})
    # A blank shows as nothing, never as 0: the values it replaces must be 0
    # for the sums to hold when a blank counts as 0.
    for (table, row, col) in blank:
        target = {"active_disclosure": active, "applications": apps, "review_litigation": review}[table]
        target[(row, col)] = 0
    for row in ("other_unpaid_fee", "carried_over"):
        apps[(row, "total")] = sum(apps[(row, c)] for c in COLUMNS[:6])
    for col in COLUMNS:
        apps[("total_processed", col)] = sum(apps[(r, col)] for r in RESULT_ROWS)
        apps[("new_received", col)] = (apps[("total_processed", col)] + apps[("carried_forward", col)]
                                       - apps[("carried_over", col)])
    assert all(v >= 0 for v in apps.values())
    document = docx.Document(template)
    describe(document, "示例市发展和改革委员会", 2024)
    fill(document, active, apps, review, blank)
    document.save(out / "docx-blank-cells-2024.docx")
    write_expected(out / "docx-blank-cells-2024.expected.csv", expected_rows(active, apps, review, blank))

    active, apps, review = consistent_numbers(2022)
    document = docx.Document(template)
    describe(document, "示例区教育局", 2022)
    fill(document, active, apps, review)
    insert_subtotal_rows(document, apps)
    document.save(out / "docx-subtotal-rows-2022.docx")
    write_expected(out / "docx-subtotal-rows-2022.expected.csv",
                   expected_rows(active, apps, review, subtotals=True))

    active, apps, review = consistent_numbers(2025)
    document = docx.Document(template)
    describe(document, "示例镇人民政府", 2025)
    fill(document, active, apps, review)
    split_review_table(document)
    document.save(out / "docx-split-review-2025.docx")
    write_expected(out / "docx-split-review-2025.expected.csv", expected_rows(active, apps, review))


if __name__ == "__main__":
    main()
