//! The national templates' vocabulary: SPEC keys and the label words that find
//! them on a page. Matching is done on the key form of a label (full-width
//! folded, spaces removed), so the words here are written that way.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::model::Template;

/// Columns of table 三 in template order (SPEC §3).
pub const APPLICANT_COLUMNS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
];

/// The optional 法人或其他组织 小计 column.
pub const LEGAL_PERSON_SUBTOTAL: &str = "legal_person_subtotal";

/// Table-三 rows both templates share, before the （六）其他处理 rows…
const APPLICATION_HEAD: &[&str] = &[
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_information",
    "denied_law_enforcement_files",
    "denied_administrative_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear_after_correction",
    "not_processed_complaint",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
];
/// …and after them.
const APPLICATION_TAIL: &[&str] = &["total_processed", "carried_forward"];

static APPLICATION_ROWS_2021: LazyLock<Vec<&str>> = LazyLock::new(|| {
    let other: &[&str] = &["other_no_correction", "other_unpaid_fee", "other_other"];
    [APPLICATION_HEAD, other, APPLICATION_TAIL].concat()
});
static APPLICATION_ROWS_2019: LazyLock<Vec<&str>> =
    LazyLock::new(|| [APPLICATION_HEAD, &["other_processing"], APPLICATION_TAIL].concat());

/// Rows of table 三 in template order.
pub fn application_rows(template: Template) -> &'static [&'static str] {
    match template {
        Template::T2019 => &APPLICATION_ROWS_2019,
        _ => &APPLICATION_ROWS_2021,
    }
}

/// The result rows whose sum is `total_processed` (everything between
/// `carried_over` and `total_processed`).
pub fn result_rows(template: Template) -> &'static [&'static str] {
    let rows = application_rows(template);
    &rows[2..rows.len() - 2]
}

/// A group of result rows that a page may give a subtotal line for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Denied,
    Unable,
    NotProcessed,
    Other,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Denied,
        Group::Unable,
        Group::NotProcessed,
        Group::Other,
    ];

    /// Key prefix of the group's rows, and of its subtotal (`<prefix>_subtotal`).
    pub fn prefix(self) -> &'static str {
        match self {
            Group::Denied => "denied",
            Group::Unable => "unable",
            Group::NotProcessed => "not_processed",
            Group::Other => "other",
        }
    }

    pub fn subtotal_key(self) -> &'static str {
        match self {
            Group::Denied => "denied_subtotal",
            Group::Unable => "unable_subtotal",
            Group::NotProcessed => "not_processed_subtotal",
            Group::Other => "other_subtotal",
        }
    }

    /// The item rows of the group in `template`.
    pub fn items(self, template: Template) -> Vec<&'static str> {
        result_rows(template)
            .iter()
            .copied()
            .filter(|r| r.starts_with(self.prefix()) && *r != "other_processing")
            .collect()
    }
}

/// Recognises a group heading such as `(三)不予公开` in a label's key form.
pub fn group_of(label: &str) -> Option<Group> {
    if label.contains("不予公开") {
        Some(Group::Denied)
    } else if label.contains("无法提供") {
        Some(Group::Unable)
    } else if label.contains("不予处理") {
        Some(Group::NotProcessed)
    } else if label.contains("其他处理") {
        Some(Group::Other)
    } else {
        None
    }
}

/// What a table-三 label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationLabel {
    /// A row of the table.
    Row(&'static str),
    /// The heading of a result group (its own line may carry a subtotal).
    Group(Group),
    /// `三、本年度办理结果`, the heading over all result rows.
    Results,
}

/// Item labels: distinctive words → row key. Checked before group headings,
/// because an item label may repeat its group's words.
const APPLICATION_ITEMS: &[(&[&str], &str)] = &[
    (&["本年新收", "新收政府信息公开申请"], "new_received"),
    (&["上年结转"], "carried_over"),
    (&["部分公开"], "partially_granted"),
    (&["国家秘密"], "denied_state_secret"),
    (&["禁止公开"], "denied_prohibited_by_law"),
    (&["三安全一稳定", "危及"], "denied_security_stability"),
    (&["第三方"], "denied_third_party_rights"),
    (&["内部事务"], "denied_internal_affairs"),
    (&["过程性"], "denied_process_information"),
    (&["执法案卷"], "denied_law_enforcement_files"),
    (&["行政查询", "查询事项"], "denied_administrative_query"),
    (&["不掌握"], "unable_not_held"),
    (&["另行制作", "现成信息"], "unable_needs_creation"),
    (
        &["仍不明确", "补正后申请"],
        "unable_unclear_after_correction",
    ),
    (&["信访", "举报投诉"], "not_processed_complaint"),
    (&["重复申请"], "not_processed_duplicate"),
    (&["公开出版物", "出版物"], "not_processed_publication"),
    (&["大量反复", "无正当理由大量"], "not_processed_excessive"),
    (&["重新出具", "确认或"], "not_processed_confirmation"),
    (&["逾期不补正", "不补正"], "other_no_correction"),
    (&["缴纳费用", "收费通知"], "other_unpaid_fee"),
    (
        &["结转下年度", "下年度继续办理", "结转下年"],
        "carried_forward",
    ),
];

/// Classifies a table-三 label (key form). `group` is the result group the
/// preceding labels opened, which only the bare `3.其他` item needs.
pub fn application_label(label: &str, group: Option<Group>) -> Option<ApplicationLabel> {
    if let Some(row) = application_item(label) {
        return Some(ApplicationLabel::Row(row));
    }
    let bare = strip_item_number(label);
    if bare == "其他" && group == Some(Group::Other) {
        return Some(ApplicationLabel::Row("other_other"));
    }
    if label.contains("予以公开") && !label.contains("不予") {
        return Some(ApplicationLabel::Row("granted"));
    }
    if label.contains("本年度办理结果") || label == "办理结果" {
        return Some(ApplicationLabel::Results);
    }
    if let Some(g) = group_of(label) {
        return Some(ApplicationLabel::Group(g));
    }
    if let Some(row) = group.and_then(|g| misprinted_item(label, g)) {
        return Some(ApplicationLabel::Row(row));
    }
    if bare == "总计" && label != "总计" || label.contains("(七)总计") {
        return Some(ApplicationLabel::Row("total_processed"));
    }
    None
}

/// The template's own words for each result item (key form, number dropped).
const ITEM_TEXTS: &[(&str, &str)] = &[
    ("denied_state_secret", "属于国家秘密"),
    ("denied_prohibited_by_law", "其他法律行政法规禁止公开"),
    ("denied_security_stability", "危及“三安全一稳定”"),
    ("denied_third_party_rights", "保护第三方合法权益"),
    ("denied_internal_affairs", "属于三类内部事务信息"),
    ("denied_process_information", "属于四类过程性信息"),
    ("denied_law_enforcement_files", "属于行政执法案卷"),
    ("denied_administrative_query", "属于行政查询事项"),
    ("unable_not_held", "本机关不掌握相关政府信息"),
    ("unable_needs_creation", "没有现成信息需要另行制作"),
    ("unable_unclear_after_correction", "补正后申请内容仍不明确"),
    ("not_processed_complaint", "信访举报投诉类申请"),
    ("not_processed_duplicate", "重复申请"),
    ("not_processed_publication", "要求提供公开出版物"),
    ("not_processed_excessive", "无正当理由大量反复申请"),
    (
        "not_processed_confirmation",
        "要求行政机关确认或重新出具已获取信息",
    ),
    (
        "other_no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_unpaid_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
];

/// An item label a page misprinted (`2.其他法律行政止公开`, characters
/// missing): the item its number names in `group`, when most of the
/// template's words for that item are there in order, and little else.
fn misprinted_item(label: &str, group: Group) -> Option<&'static str> {
    let number = item_number(label)?;
    let key = *group.items(Template::T2021).get(number.checked_sub(1)?)?;
    let (_, text) = ITEM_TEXTS.iter().find(|(k, _)| *k == key)?;
    let bare: Vec<char> = strip_item_number(label).chars().collect();
    let text: Vec<char> = text.chars().collect();
    let common = common_in_order(&bare, &text);
    (common * 3 >= text.len() * 2 && common * 4 >= bare.len() * 3).then_some(key)
}

/// `2.` / `2、` / `(2)` at the start of a label: the item number.
fn item_number(label: &str) -> Option<usize> {
    let rest = label.strip_prefix('(').unwrap_or(label);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = rest[digits..].chars().next()?;
    if digits == 0 || digits > 2 || !matches!(after, '.' | '、' | ')' | ',') {
        return None;
    }
    rest[..digits].parse().ok()
}

/// The length of the longest common subsequence of two short texts.
fn common_in_order(a: &[char], b: &[char]) -> usize {
    if a.len() > 80 || b.len() > 80 {
        return 0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The item row a label names: the first of [`APPLICATION_ITEMS`] with a word
/// in the label. Every label of every row is classified, so all the words are
/// searched for in one pass rather than one `contains` each.
fn application_item(label: &str) -> Option<&'static str> {
    /// The automaton over every item word, and the item each word belongs to.
    static ITEM_WORDS: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
        let (words, items): (Vec<&str>, Vec<usize>) = APPLICATION_ITEMS
            .iter()
            .enumerate()
            .flat_map(|(item, (words, _))| words.iter().map(move |w| (*w, item)))
            .unzip();
        let automaton = AhoCorasick::new(words).expect("the item words make a valid automaton");
        (automaton, items)
    });
    let (automaton, items) = &*ITEM_WORDS;
    automaton
        .find_overlapping_iter(label)
        .map(|m| items[m.pattern().as_usize()])
        .min()
        .map(|item| APPLICATION_ITEMS[item].1)
}

/// True when a label (key form) names a row or group of one of the tables,
/// so a grid cell holding it is a label, whatever column it sits in.
pub fn is_row_label(label: &str) -> bool {
    if matches!(
        application_label(label, None),
        Some(ApplicationLabel::Row(_) | ApplicationLabel::Group(_))
    ) {
        return true;
    }
    let bare = strip_notes(strip_item_number(label));
    [Template::T2021, Template::T2019]
        .iter()
        .flat_map(|t| active_rows(*t))
        .any(|row| row.labels.contains(&bare.as_str()))
}

/// `3.其他` / `3、其他` / `(3)其他` / `三、其他` → `其他`.
pub fn strip_item_number(label: &str) -> &str {
    let s = label.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || matches!(
                c,
                '(' | ')'
                    | '.'
                    | '、'
                    | ','
                    | '一'
                    | '二'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '七'
                    | '八'
            )
    });
    if s.is_empty() { label } else { s }
}

/// Removes bracketed notes: `规章(设区的市、自治州人民政府应提供相关数据)` → `规章`.
pub fn strip_notes(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut depth = 0usize;
    for c in label.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A row of table 二 and the columns it has in a template.
pub struct ActiveRow {
    pub key: &'static str,
    /// Label words (key form, notes stripped) that name the row exactly.
    pub labels: &'static [&'static str],
    pub columns: &'static [&'static str],
}

pub fn active_rows(template: Template) -> &'static [ActiveRow] {
    const T2021: &[ActiveRow] = &[
        ActiveRow {
            key: "regulations",
            labels: &["规章"],
            columns: &["issued", "repealed", "in_force"],
        },
        ActiveRow {
            key: "normative_documents",
            labels: &["行政规范性文件", "规范性文件"],
            columns: &["issued", "repealed", "in_force"],
        },
        ActiveRow {
            key: "licensing",
            labels: &["行政许可"],
            columns: &["decisions"],
        },
        ActiveRow {
            key: "punishment",
            labels: &["行政处罚"],
            columns: &["decisions"],
        },
        ActiveRow {
            key: "coercion",
            labels: &["行政强制"],
            columns: &["decisions"],
        },
        ActiveRow {
            key: "fees",
            labels: &["行政事业性收费"],
            columns: &["amount_wan_yuan"],
        },
    ];
    const T2019: &[ActiveRow] = &[
        ActiveRow {
            key: "regulations",
            labels: &["规章"],
            columns: &["new_made", "new_published", "total_published"],
        },
        ActiveRow {
            key: "normative_documents",
            labels: &["规范性文件", "行政规范性文件"],
            columns: &["new_made", "new_published", "total_published"],
        },
        ActiveRow {
            key: "licensing",
            labels: &["行政许可"],
            columns: &["prev_year_items", "change", "decisions"],
        },
        ActiveRow {
            key: "other_services",
            labels: &["其他对外管理服务事项"],
            columns: &["prev_year_items", "change", "decisions"],
        },
        ActiveRow {
            key: "punishment",
            labels: &["行政处罚"],
            columns: &["prev_year_items", "change", "decisions"],
        },
        ActiveRow {
            key: "coercion",
            labels: &["行政强制"],
            columns: &["prev_year_items", "change", "decisions"],
        },
        ActiveRow {
            key: "fees",
            labels: &["行政事业性收费"],
            columns: &["prev_year_items", "change"],
        },
        ActiveRow {
            key: "procurement",
            labels: &["政府集中采购"],
            columns: &["projects", "amount"],
        },
    ];
    match template {
        Template::T2019 => T2019,
        _ => T2021,
    }
}

/// Table-二 columns that hold amounts (decimals) rather than counts.
pub fn is_amount_column(column: &str) -> bool {
    matches!(column, "amount_wan_yuan" | "amount")
}

/// Table-二 columns that may be negative.
pub fn is_signed_column(column: &str) -> bool {
    column == "change"
}

/// Rows of table 四 and their columns, in source order.
pub const REVIEW_ROWS: [&str; 3] = ["review", "litigation_direct", "litigation_after_review"];
pub const REVIEW_COLUMNS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// Words that only a template-2021 page uses, and only a template-2019 page uses.
pub const MARKERS_2021: &[&str] = &[
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年收费金额",
    "逾期不补正",
    "缴纳费用",
    "本年处理决定数量",
];
pub const MARKERS_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "其他对外管理服务事项",
    "政府集中采购",
    "采购总金额",
];

/// The Chinese name of a cell as the template prints it, one level per
/// heading joined by `.`: the table's section numeral, the row's label (under
/// its group), the column's label (under its group), e.g.
/// `三.（三）不予公开.6.属于四类过程性信息.总计`. Unique per cell and fixed,
/// so it can stand for the key in a CSV header. Where the templates word a
/// shared cell differently (2019's 处理决定数量), the 2021 wording is used.
/// The words come from [`labels`], the one place the template's wording lives.
pub fn cell_label(table: &str, row: &str, column: &str) -> Option<String> {
    let numeral = labels::table(table)?.split('、').next()?;
    let row = match table {
        "active_disclosure" => {
            // The 2019 template calls them 规范性文件; its columns are its own.
            let template = if is_2019_active_column(column) {
                Template::T2019
            } else {
                Template::T2021
            };
            labels::active_row(row, template)?.to_string()
        }
        "applications" => application_row_label(row)?,
        _ => match row {
            "review" => labels::review_row(row)?.to_string(),
            _ => format!("{}.{}", labels::LITIGATION, labels::review_row(row)?),
        },
    };
    let column = match (table, column) {
        ("active_disclosure", "amount_unit") => "采购总金额的单位".to_string(),
        ("active_disclosure", _) => labels::active_column(column, Template::T2021)?.to_string(),
        ("applications", "natural_person" | "total") => {
            labels::applicant_column(column)?.to_string()
        }
        ("applications", _) => format!(
            "{}.{}",
            labels::LEGAL_PERSONS,
            labels::applicant_column(column)?
        ),
        _ => labels::review_column(column)?.to_string(),
    };
    Some(format!("{numeral}.{row}.{column}"))
}

/// Columns of table 二 that only the 2019 template has for 规范性文件.
fn is_2019_active_column(column: &str) -> bool {
    matches!(column, "new_made" | "new_published" | "total_published")
}

/// A row of table 三 under its group's heading, if it has one.
fn application_row_label(row: &str) -> Option<String> {
    let in_group = Group::ALL.into_iter().find_map(|group| {
        if row == group.subtotal_key() {
            return Some((group, labels::SUBTOTAL));
        }
        let item = [Template::T2021, Template::T2019]
            .into_iter()
            .any(|t| group.items(t).contains(&row));
        item.then(|| labels::application_row(row).map(|label| (group, label)))
            .flatten()
    });
    Some(match in_group {
        Some((group, label)) => format!("{}.{label}", labels::group(group)),
        None => labels::application_row(row)?.to_string(),
    })
}

/// The template's own wording, as a person reads it on the page: table
/// titles, row and column labels. Matching never uses these (it uses the key
/// forms above); `xxgk review` shows them, so a report is laid out as printed.
pub mod labels {
    use super::Group;
    use crate::model::Template;

    /// The title of a table by its SPEC name.
    pub fn table(table: &str) -> Option<&'static str> {
        Some(match table {
            "active_disclosure" => "二、主动公开政府信息情况",
            "applications" => "三、收到和处理政府信息公开申请情况",
            "review_litigation" => "四、政府信息公开行政复议、行政诉讼情况",
            _ => return None,
        })
    }

    /// The heading over each block of table 二 (the article of the
    /// regulations that asks for it) by row key.
    pub fn active_article(row: &str) -> Option<&'static str> {
        Some(match row {
            "regulations" | "normative_documents" => "第二十条第（一）项",
            "licensing" | "other_services" => "第二十条第（五）项",
            "punishment" | "coercion" => "第二十条第（六）项",
            "fees" => "第二十条第（八）项",
            "procurement" => "第二十条第（九）项",
            _ => return None,
        })
    }

    /// Heading of the label column in each block of table 二.
    pub const ACTIVE_CONTENT: &str = "信息内容";

    /// A row of table 二 as the template words it.
    pub fn active_row(row: &str, template: Template) -> Option<&'static str> {
        Some(match (row, template) {
            ("regulations", _) => "规章",
            ("normative_documents", Template::T2019) => "规范性文件",
            ("normative_documents", _) => "行政规范性文件",
            ("licensing", _) => "行政许可",
            ("other_services", _) => "其他对外管理服务事项",
            ("punishment", _) => "行政处罚",
            ("coercion", _) => "行政强制",
            ("fees", _) => "行政事业性收费",
            ("procurement", _) => "政府集中采购",
            _ => return None,
        })
    }

    /// A column of table 二. `amount_unit` is not a template column: it holds
    /// the unit the page wrote beside 采购总金额.
    pub fn active_column(column: &str, template: Template) -> Option<&'static str> {
        Some(match (column, template) {
            ("decisions", Template::T2019) => "处理决定数量",
            ("decisions", _) => "本年处理决定数量",
            (column, _) => active_column_of_both(column)?,
        })
    }

    /// The columns both templates word alike (or only one template has).
    fn active_column_of_both(column: &str) -> Option<&'static str> {
        Some(match column {
            "issued" => "本年制发件数",
            "repealed" => "本年废止件数",
            "in_force" => "现行有效件数",
            "amount_wan_yuan" => "本年收费金额（单位：万元）",
            "new_made" => "本年新制作数量",
            "new_published" => "本年新公开数量",
            "total_published" => "对外公开总数量",
            "prev_year_items" => "上一年项目数量",
            "change" => "本年增/减",
            "projects" => "采购项目数量",
            "amount" => "采购总金额",
            "amount_unit" => "金额单位",
            _ => return None,
        })
    }

    /// The note in table 三's corner.
    pub const APPLICATIONS_CORNER: &str =
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
    /// Heading over table 三's columns.
    pub const APPLICANTS: &str = "申请人情况";
    /// Heading over the five organisation columns (and their 小计).
    pub const LEGAL_PERSONS: &str = "法人或其他组织";
    /// Heading of the result rows.
    pub const RESULTS: &str = "三、本年度办理结果";
    /// The label of a group's subtotal row, under the group's heading.
    pub const SUBTOTAL: &str = "小计";

    /// A column of table 三.
    pub fn applicant_column(column: &str) -> Option<&'static str> {
        Some(match column {
            "natural_person" => "自然人",
            "commercial_enterprise" => "商业企业",
            "research_institution" => "科研机构",
            "social_welfare_org" => "社会公益组织",
            "legal_service_org" => "法律服务机构",
            "other_org" => "其他",
            "legal_person_subtotal" => SUBTOTAL,
            "total" => "总计",
            _ => return None,
        })
    }

    /// A group heading of table 三's results.
    pub fn group(group: Group) -> &'static str {
        match group {
            Group::Denied => "（三）不予公开",
            Group::Unable => "（四）无法提供",
            Group::NotProcessed => "（五）不予处理",
            Group::Other => "（六）其他处理",
        }
    }

    /// A row of table 三 as the template words it (an item of a group
    /// without its group's heading).
    pub fn application_row(row: &str) -> Option<&'static str> {
        Some(match row {
            "new_received" => "一、本年新收政府信息公开申请数量",
            "carried_over" => "二、上年结转政府信息公开申请数量",
            "granted" => "（一）予以公开",
            "partially_granted" => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "denied_state_secret" => "1.属于国家秘密",
            "denied_prohibited_by_law" => "2.其他法律行政法规禁止公开",
            "denied_security_stability" => "3.危及“三安全一稳定”",
            "denied_third_party_rights" => "4.保护第三方合法权益",
            "denied_internal_affairs" => "5.属于三类内部事务信息",
            "denied_process_information" => "6.属于四类过程性信息",
            "denied_law_enforcement_files" => "7.属于行政执法案卷",
            "denied_administrative_query" => "8.属于行政查询事项",
            "unable_not_held" => "1.本机关不掌握相关政府信息",
            "unable_needs_creation" => "2.没有现成信息需要另行制作",
            "unable_unclear_after_correction" => "3.补正后申请内容仍不明确",
            "not_processed_complaint" => "1.信访举报投诉类申请",
            "not_processed_duplicate" => "2.重复申请",
            "not_processed_publication" => "3.要求提供公开出版物",
            "not_processed_excessive" => "4.无正当理由大量反复申请",
            "not_processed_confirmation" => "5.要求行政机关确认或重新出具已获取信息",
            "other_processing" => "（六）其他处理",
            "other_no_correction" => {
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
            }
            "other_unpaid_fee" => {
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
            }
            "other_other" => "3.其他",
            "total_processed" => "（七）总计",
            "carried_forward" => "四、结转下年度继续办理",
            _ => return None,
        })
    }

    /// Table 四's heading over the two litigation rows.
    pub const LITIGATION: &str = "行政诉讼";

    /// A row of table 四 (the template lays each out as a column group).
    pub fn review_row(row: &str) -> Option<&'static str> {
        Some(match row {
            "review" => "行政复议",
            "litigation_direct" => "未经复议直接起诉",
            "litigation_after_review" => "复议后起诉",
            _ => return None,
        })
    }

    /// A column of table 四.
    pub fn review_column(column: &str) -> Option<&'static str> {
        Some(match column {
            "upheld" => "结果维持",
            "corrected" => "结果纠正",
            "other" => "其他结果",
            "pending" => "尚未审结",
            "total" => "总计",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_sizes_match_spec() {
        assert_eq!(application_rows(Template::T2021).len(), 25);
        assert_eq!(application_rows(Template::T2019).len(), 23);
        assert_eq!(result_rows(Template::T2021).first(), Some(&"granted"));
        assert_eq!(result_rows(Template::T2021).last(), Some(&"other_other"));
        assert_eq!(
            Group::Other.items(Template::T2021),
            ["other_no_correction", "other_unpaid_fee", "other_other"]
        );
        assert_eq!(Group::Denied.items(Template::T2019).len(), 8);
    }

    #[test]
    fn labels_are_classified() {
        use ApplicationLabel::*;
        assert_eq!(
            application_label("(一)予以公开", None),
            Some(Row("granted"))
        );
        assert_eq!(
            application_label("(三)不予公开", None),
            Some(Group(super::Group::Denied))
        );
        assert_eq!(
            application_label("1.属于国家秘密", None),
            Some(Row("denied_state_secret"))
        );
        assert_eq!(
            application_label("3.其他", Some(super::Group::Other)),
            Some(Row("other_other"))
        );
        assert_eq!(application_label("3.其他", None), None);
        assert_eq!(
            application_label("(七)总计", None),
            Some(Row("total_processed"))
        );
        assert_eq!(application_label("总计", None), None);
        assert_eq!(
            application_label("四、结转下年度继续办理", None),
            Some(Row("carried_forward"))
        );
    }

    #[test]
    fn a_misprinted_item_is_known_by_its_number_and_most_of_its_words() {
        use ApplicationLabel::*;
        let denied = Some(super::Group::Denied);
        assert_eq!(
            application_label("2.其他法律行政止公开", denied),
            Some(Row("denied_prohibited_by_law"))
        );
        assert_eq!(
            application_label("2、其他法律行政法规禁止公开", denied),
            Some(Row("denied_prohibited_by_law"))
        );
        // The number alone, or words of another item, are not enough.
        assert_eq!(application_label("2.合计", denied), None);
        assert_eq!(application_label("5.其他法律行政止公开", denied), None);
        assert_eq!(application_label("2.其他法律行政止公开", None), None);
    }

    #[test]
    fn notes_are_stripped() {
        assert_eq!(
            strip_notes("规章(设区的市、自治州人民政府应提供相关数据)"),
            "规章"
        );
        assert_eq!(strip_item_number("3.其他"), "其他");
    }

    #[test]
    fn cells_have_the_templates_chinese_names() {
        assert_eq!(
            cell_label("applications", "denied_process_information", "total").as_deref(),
            Some("三.（三）不予公开.6.属于四类过程性信息.总计")
        );
        assert_eq!(
            cell_label("applications", "new_received", "commercial_enterprise").as_deref(),
            Some("三.一、本年新收政府信息公开申请数量.法人或其他组织.商业企业")
        );
        assert_eq!(
            cell_label("active_disclosure", "normative_documents", "new_made").as_deref(),
            Some("二.规范性文件.本年新制作数量")
        );
        assert_eq!(
            cell_label("active_disclosure", "normative_documents", "issued").as_deref(),
            Some("二.行政规范性文件.本年制发件数")
        );
        assert_eq!(
            cell_label("review_litigation", "litigation_after_review", "pending").as_deref(),
            Some("四.行政诉讼.复议后起诉.尚未审结")
        );
        assert_eq!(cell_label("applications", "no_such_row", "total"), None);
    }

    #[test]
    fn every_template_key_has_a_label() {
        for template in [Template::T2021, Template::T2019] {
            for row in active_rows(template) {
                let label = labels::active_row(row.key, template).unwrap();
                assert!(row.labels.contains(&label), "{label}");
                assert!(labels::active_article(row.key).is_some(), "{}", row.key);
                for column in row.columns {
                    assert!(
                        labels::active_column(column, template).is_some(),
                        "{column}"
                    );
                }
            }
            for row in application_rows(template) {
                assert!(labels::application_row(row).is_some(), "{row}");
            }
        }
        for column in APPLICANT_COLUMNS.iter().chain([&LEGAL_PERSON_SUBTOTAL]) {
            assert!(labels::applicant_column(column).is_some(), "{column}");
        }
        for row in REVIEW_ROWS {
            assert!(labels::review_row(row).is_some(), "{row}");
        }
        for column in REVIEW_COLUMNS {
            assert!(labels::review_column(column).is_some(), "{column}");
        }
        for table in ["active_disclosure", "applications", "review_litigation"] {
            assert!(labels::table(table).is_some(), "{table}");
        }
    }
}
