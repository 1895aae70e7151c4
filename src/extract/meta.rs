//! Metadata (title, agency, year, publication date) and the prose sections.

use std::sync::LazyLock;

use regex::Regex;

use crate::flatten::normalize::key;
use crate::flatten::{Block, Document};
use crate::model::{Meta, Sections};

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(20\d\d)\s*年").unwrap());
/// A year as written in a title (`2023年`, `2023年度`), cut out to leave the agency.
static YEAR_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(20\d\d)\s*年度?").unwrap());
static PERIOD_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d\d)\s*年\s*1\s*月\s*1\s*日").unwrap());
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:发布时间|发布日期|公开日期|发文日期|成文日期|印发日期|日期)\s*[:：]?\s*(20\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})",
    )
    .unwrap()
});
static AGENCY_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:发布机构|发布机关|发文机关|发布单位)\s*[:：]?\s*([\p{Han}（）()]{2,40})")
        .unwrap()
});
/// The words that end the agency part of a title.
const REPORT_WORDS: &[&str] = &[
    "政府信息公开工作年度报告",
    "政府信息公开年度报告",
    "政府信息公开工作年报",
    "政府信息公开年报",
    "信息公开年度报告",
    "信息公开年报",
    "年度报告",
];

pub fn read_meta(doc: &Document) -> Meta {
    let header = ArchiveHeader::read(doc);
    let title = header.title.clone().or_else(|| find_title(doc));
    let year = title
        .as_deref()
        .and_then(|t| YEAR.captures(t))
        .and_then(|c| c[1].parse().ok())
        .or_else(|| {
            doc.blocks.iter().find_map(|b| match b {
                Block::Text(t) => PERIOD_YEAR.captures(t).and_then(|c| c[1].parse().ok()),
                Block::Table(_) => None,
            })
        });
    let text = page_text(doc);
    let agency = header.agency.clone().or_else(|| {
        title
            .as_deref()
            .and_then(agency_from_title)
            .or_else(|| agency_field(&text))
    });
    Meta {
        title,
        agency,
        year,
        published: header.published.clone().or_else(|| published_date(&text)),
        ..Meta::default()
    }
}

/// The field lines a crawl archive puts before a saved copy's text
/// (`标题:` `发布时间:` `文号:` `发布机构:` `栏目:` `原始链接:`). They describe the
/// page the copy was made from, so they win over what is guessed from the text.
#[derive(Debug, Default, PartialEq)]
pub struct ArchiveHeader {
    pub title: Option<String>,
    pub published: Option<String>,
    pub agency: Option<String>,
    pub original_url: Option<String>,
}

impl ArchiveHeader {
    /// The header at the top of a text dump; empty unless at least two of its
    /// fields open the copy (a lone `标题:` line is just a title).
    pub fn read(doc: &Document) -> ArchiveHeader {
        let mut header = ArchiveHeader::default();
        if doc.is_html {
            return header;
        }
        let mut fields = 0;
        for block in doc.blocks.iter().take(12) {
            let Block::Text(line) = block else { break };
            let Some((name, value)) = line.split_once([':', '：']) else {
                break;
            };
            let value = value.trim();
            let slot = match name.trim() {
                "标题" => &mut header.title,
                "发布机构" | "发布机关" => &mut header.agency,
                "原始链接" | "原文链接" | "来源链接" => &mut header.original_url,
                "发布时间" | "发布日期" => {
                    header.published = published_date(line);
                    fields += 1;
                    continue;
                }
                "文号" | "栏目" | "来源" | "索引号" | "分类" => {
                    fields += 1;
                    continue;
                }
                _ => break,
            };
            fields += 1;
            let acceptable = match name.trim() {
                "原始链接" | "原文链接" | "来源链接" => {
                    value.starts_with("http://") || value.starts_with("https://")
                }
                _ => (1..=120).contains(&value.chars().count()),
            };
            if acceptable {
                *slot = Some(value.to_string());
            }
        }
        if fields < 2 {
            return ArchiveHeader::default();
        }
        header
    }
}

/// The report's title: a short line naming an annual report, else the HTML
/// `<title>` (without the site name after a dash).
fn find_title(doc: &Document) -> Option<String> {
    let is_title = |t: &str| {
        let n = t.chars().count();
        (8..=80).contains(&n)
            && REPORT_WORDS.iter().any(|w| t.contains(w))
            && YEAR.is_match(t)
            && !t.starts_with("根据")
            && !t.starts_with("本")
            && !t.contains('。')
    };
    let from_body = doc.blocks.iter().take(200).find_map(|b| match b {
        // Every report word holds a 报, so one search rules most lines out.
        Block::Text(t) if t.contains('报') => {
            Some(without_site_name(without_field_name(t))).filter(|t| is_title(t))
        }
        _ => None,
    });
    let from_head = doc.title.as_deref().map(without_site_name);
    match (from_body, from_head) {
        (Some(body), _) => Some(body.to_string()),
        (None, Some(head)) if is_title(head) => Some(head.to_string()),
        _ => None,
    }
}

/// `标题：…` / `# …` → `…`: a field name or Markdown mark before the title.
fn without_field_name(t: &str) -> &str {
    let t = t.trim_start_matches(['#', ' ']);
    for sep in ['：', ':'] {
        if let Some((name, rest)) = t.split_once(sep)
            && name.chars().count() <= 6
            && !rest.trim().is_empty()
        {
            return rest.trim();
        }
    }
    t
}

/// `…年度报告-沭阳县发改局` → `…年度报告`: the site name after a separator.
fn without_site_name(t: &str) -> &str {
    t.split(['-', '_', '|', '—'])
        .find(|part| REPORT_WORDS.iter().any(|w| part.contains(w)))
        .unwrap_or(t)
        .trim()
}

/// `邵东市人民政府2023年政府信息公开年报` / `2019年上海市人民政府办公厅政府信息…` → the agency.
fn agency_from_title(title: &str) -> Option<String> {
    let mut t = title.to_string();
    if let Some(cut) = REPORT_WORDS.iter().filter_map(|w| t.find(w)).min() {
        t.truncate(cut);
    }
    let t = YEAR_WORD.replace_all(&t, "").into_owned();
    let t: String = t
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '（' && c != '）')
        .to_string();
    (t.chars().count() >= 2).then_some(t)
}

fn agency_field(text: &str) -> Option<String> {
    text.lines()
        // Every field name the pattern knows starts 发布 or 发文.
        .filter(|line| line.contains("发布") || line.contains("发文"))
        .find_map(|line| AGENCY_FIELD.captures(line).map(|c| c[1].to_string()))
}

fn published_date(text: &str) -> Option<String> {
    let c = PUBLISHED.captures(text)?;
    let (y, m, d): (u32, u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The page as lines of text; grid rows become one line of cells.
fn page_text(doc: &Document) -> String {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Text(t) => {
                out.push_str(t);
                out.push('\n');
            }
            Block::Table(grid) => {
                for row in &grid.rows {
                    for cell in row.iter().filter(|c| !c.is_copy) {
                        out.push_str(&cell.text);
                        out.push(' ');
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The six sections of the report, by their headings' words (pages renumber
/// and reword them, so the numeral alone is not trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Active,
    Applications,
    Review,
    Problems,
    Other,
}

pub fn section_heading(text: &str) -> Option<Section> {
    let numbered = |k: &str| {
        k.starts_with(['一', '二', '三', '四', '五', '六', '七'])
            && k.chars()
                .nth(1)
                .is_some_and(|c| matches!(c, '、' | '.' | ',' | ' '))
    };
    // Nearly every line is not a heading, which its first few characters
    // show (the key of a prefix is a prefix of the key) without keying it all.
    let head_end = text.char_indices().nth(8).map_or(text.len(), |(i, _)| i);
    let head = key(&text[..head_end]);
    if (head_end == text.len() || head.chars().nth(1).is_some()) && !numbered(&head) {
        return None;
    }
    let k = key(text);
    if k.chars().count() > 45 || !numbered(&k) {
        return None;
    }
    section_named(&k)
}

/// The section a heading's words (key form) name, whatever its numeral.
pub fn section_named(k: &str) -> Option<Section> {
    if k.contains("总体情况") || k.contains("概述") {
        Some(Section::Overview)
    } else if k.contains("主动公开") {
        Some(Section::Active)
    } else if k.contains("收到和处理") || k.contains("依申请") {
        Some(Section::Applications)
    } else if k.contains("行政复议") || k.contains("行政诉讼") {
        Some(Section::Review)
    } else if k.contains("问题") || k.contains("改进") || k.contains("不足") {
        Some(Section::Problems)
    } else if k.contains("其他需要报告") || k.contains("其他事项") {
        Some(Section::Other)
    } else {
        None
    }
}

/// Lines that belong to the site around the report, not the report.
fn is_page_chrome(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        "扫一扫",
        "打印本页",
        "关闭窗口",
        "主办单位",
        "承办单位",
        "版权所有",
        "备案",
        "网站标识码",
        "上一篇",
        "下一篇",
        "分享到",
        "相关链接",
        "【打印",
        "设为首页",
    ];
    MARKERS.iter().any(|m| text.contains(m))
}

pub fn read_sections(doc: &Document) -> Sections {
    let mut current: Option<Section> = None;
    let mut texts: [Vec<&str>; 3] = Default::default();
    for block in &doc.blocks {
        let Block::Text(t) = block else { continue };
        if let Some(s) = section_heading(t) {
            current = Some(s);
            continue;
        }
        // Outside the three sections a line is skipped, chrome or not.
        let slot = match current {
            Some(Section::Overview) => 0,
            Some(Section::Problems) => 1,
            Some(Section::Other) => 2,
            _ => continue,
        };
        if is_page_chrome(t) {
            if current == Some(Section::Other) {
                current = None;
            }
            continue;
        }
        texts[slot].push(t);
    }
    let join = |v: &Vec<&str>| (!v.is_empty()).then(|| v.join("\n"));
    Sections {
        overview: join(&texts[0]),
        problems: join(&texts[1]),
        other_matters: join(&texts[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_comes_from_either_title_order() {
        assert_eq!(
            agency_from_title("邵东市人民政府2023年政府信息公开年报").as_deref(),
            Some("邵东市人民政府")
        );
        assert_eq!(
            agency_from_title("2019年上海市人民政府办公厅政府信息公开工作年度报告").as_deref(),
            Some("上海市人民政府办公厅")
        );
        assert_eq!(
            agency_from_title("平潭综合实验区2024年度政府信息公开工作年度报告").as_deref(),
            Some("平潭综合实验区")
        );
    }

    #[test]
    fn an_archive_header_names_the_original_page() {
        let doc = crate::flatten::flatten(
            "标题: 某局2021年政府信息公开工作年度报告\n发布时间: 2022-01-14 15:00\n文号: \n\
             发布机构: 莆田市某局\n栏目: 年报\n原始链接: https://www.example.gov.cn/a.htm\n正文:\n",
        );
        let header = ArchiveHeader::read(&doc);
        assert_eq!(
            header.title.as_deref(),
            Some("某局2021年政府信息公开工作年度报告")
        );
        assert_eq!(header.published.as_deref(), Some("2022-01-14"));
        assert_eq!(header.agency.as_deref(), Some("莆田市某局"));
        assert_eq!(
            header.original_url.as_deref(),
            Some("https://www.example.gov.cn/a.htm")
        );
        // One field line is not an archive header.
        let doc = crate::flatten::flatten("标题: 某局2021年报告\n正文\n");
        assert_eq!(ArchiveHeader::read(&doc), ArchiveHeader::default());
    }

    #[test]
    fn headings_are_found_by_words() {
        assert_eq!(
            section_heading("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
            Some(Section::Review)
        );
        assert_eq!(
            section_heading("二、行政机关主动公开政府信息情况"),
            Some(Section::Active)
        );
        assert_eq!(
            section_heading("五、政府信息公开工作存在的主要问题及改进情况"),
            Some(Section::Problems)
        );
        assert_eq!(section_heading("一、本年新收政府信息公开申请数量"), None);
    }
}
