//! The tokens screen's own overlays: the bulk revoke dialog (tree by accessor, or orphan by
//! value; the console's own token left out unless included), the revoke-by-value form (a
//! masked input, never echoed) and the result table of a bulk revoke.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Widget, Wrap};

use crate::reply::{WriteOutcome, WriteResult};
use crate::sanitize::sanitize;
use crate::theme::Theme;
use crate::ui::screens::tools::TokenInput;
use crate::ui::widgets::secret_input::SecretInputView;
use crate::ui::widgets::table::{self, Col};
use crate::write_gate::token::TREE_NOTE;

/// The bulk revoke dialog: what would be revoked, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeDialog {
    /// `(accessor, display name)` of every token of the set, the own token included.
    pub items: Vec<(String, String)>,
    /// The console's own token is in the set.
    pub own_in_set: bool,
    /// The user chose to revoke it too.
    pub include_own: bool,
}

impl RevokeDialog {
    /// The tokens the batch takes (the own one only when included).
    pub fn chosen<'a>(&'a self, own: Option<&'a str>) -> Vec<&'a (String, String)> {
        self.items
            .iter()
            .filter(|(a, _)| self.include_own || Some(a.as_str()) != own)
            .collect()
    }
}

/// The revoke-by-value form: the token is typed or pasted, masked, and handed to the write as
/// a secret (then wiped here).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ByValueForm {
    pub input: TokenInput,
    /// Keep the children alive as orphans (`revoke-orphan`) instead of revoking the tree.
    pub orphan: bool,
}

/// One row of the result table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Revoked,
    AlreadyGone,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeRow {
    pub accessor: String,
    pub name: String,
    pub outcome: RowOutcome,
}

/// The result of a bulk revoke, shown until `esc`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevokeResults {
    pub rows: Vec<RevokeRow>,
    pub selected: usize,
}

impl RevokeResults {
    /// From the outcome (results keep the batch's order) and the batch's `(accessor, name)`s.
    pub fn from_outcome(outcome: &WriteOutcome, batch: &[(String, String)]) -> RevokeResults {
        let rows = outcome
            .items
            .iter()
            .zip(batch)
            .map(|(item, (accessor, name))| RevokeRow {
                accessor: accessor.clone(),
                name: name.clone(),
                outcome: match &item.result {
                    Ok(WriteResult::AlreadyGone) => RowOutcome::AlreadyGone,
                    Ok(_) => RowOutcome::Revoked,
                    Err(e) => RowOutcome::Failed(e.to_string()),
                },
            })
            .collect();
        RevokeResults { rows, selected: 0 }
    }

    pub fn count(&self, f: impl Fn(&RowOutcome) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.outcome)).count()
    }

    /// "12 revoked · 1 already gone · 2 failed".
    pub fn summary(&self) -> String {
        format!(
            "{} revoked · {} already gone · {} failed",
            self.count(|o| *o == RowOutcome::Revoked),
            self.count(|o| *o == RowOutcome::AlreadyGone),
            self.count(|o| matches!(o, RowOutcome::Failed(_))),
        )
    }
}

fn boxed<'a>(title: &'a str, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.status_danger)
        .title(Span::styled(title, t.title))
}

/// The bulk revoke dialog, centred in `area`.
pub fn render_dialog(d: &RevokeDialog, own: Option<&str>, t: &Theme, area: Rect, buf: &mut Buffer) {
    let n = d.chosen(own).len();
    let mut lines = vec![
        Line::styled(
            format!(
                "Revoke {n} token{} by accessor.",
                if n == 1 { "" } else { "s" }
            ),
            t.text,
        ),
        Line::default(),
        Line::styled(TREE_NOTE, t.muted),
        Line::default(),
    ];
    if d.own_in_set {
        let (mark, how) = if d.include_own {
            ("[x]", "it IS revoked: the console stops working")
        } else {
            ("[ ]", "left out")
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark} the console's own token ★ is in the set: "),
                t.status_warn,
            ),
            Span::styled(how, t.status_danger),
        ]));
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        "t / enter: revoke the trees · o: orphan the children (by value) · i: own token · esc: cancel",
        t.key_hint,
    ));
    let rect = crate::ui::layout::centered(area, 70, 14);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .style(t.dialog)
        .wrap(Wrap { trim: false })
        .block(boxed(" Bulk revoke ", t))
        .render(rect, buf);
}

/// The revoke-by-value form, centred in `area`. The value is drawn masked only.
pub fn render_form(f: &ByValueForm, t: &Theme, area: Rect, buf: &mut Buffer) {
    let rect = crate::ui::layout::centered(area, 70, 10);
    Clear.render(rect, buf);
    let block = boxed(" Revoke a token by its value ", t);
    let inner = block.inner(rect);
    block.render(rect, buf);
    let mode = if f.orphan {
        "orphan: the token goes, its children stay alive as orphans (revoke-orphan)"
    } else {
        "tree: the token and every token it created (revoke)"
    };
    let lines = vec![
        Line::styled("Paste or type the token (never shown):", t.text),
        Line::default(),
        Line::default(),
        Line::from(vec![
            Span::styled("mode: ", t.muted),
            Span::styled(mode, t.status_warn),
        ]),
        Line::styled(
            "enter: revoke (confirm next) · tab: tree / orphan · esc: cancel",
            t.key_hint,
        ),
    ];
    Paragraph::new(lines)
        .style(t.dialog)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
    if inner.height > 2 {
        let field = Rect {
            y: inner.y + 2,
            height: 1,
            ..inner
        };
        SecretInputView {
            input: &f.input.0,
            theme: t,
        }
        .render(field, buf);
    }
}

const RESULT_COLS: [Col; 3] = [
    Col::new("RESULT", 13, 0),
    Col::new("DISPLAY NAME", 22, 1),
    Col::new("ACCESSOR / REASON", 24, 0),
];

/// The result table of a bulk revoke (fills `area`).
pub fn render_results(r: &RevokeResults, t: &Theme, area: Rect, buf: &mut Buffer) {
    let keep = table::fit_columns(&RESULT_COLS, area.width.saturating_sub(2));
    let (header, widths) = table::kept_layout(&RESULT_COLS, &keep);
    let rows = r
        .rows
        .iter()
        .map(|row| {
            let (label, style, detail) = match &row.outcome {
                RowOutcome::Revoked => {
                    ("revoked", t.status_ok, sanitize(&row.accessor).into_owned())
                }
                RowOutcome::AlreadyGone => (
                    "already gone",
                    t.muted,
                    sanitize(&row.accessor).into_owned(),
                ),
                RowOutcome::Failed(e) => (
                    "failed",
                    t.status_danger,
                    format!("{}: {}", sanitize(&row.accessor), sanitize(e)),
                ),
            };
            table::kept_row(
                vec![
                    Cell::from(Span::styled(label, style)),
                    Cell::from(Span::styled(sanitize(&row.name).into_owned(), t.text)),
                    Cell::from(Span::styled(detail, t.muted)),
                ],
                &keep,
            )
        })
        .collect();
    let summary = r.summary();
    table::Panel {
        title: table::title(
            "Revoke results",
            t,
            vec![Span::styled(format!("· {summary} "), t.muted)],
        ),
        header,
        widths,
        rows,
        focused: true,
        selected: Some(r.selected),
        empty: Line::styled("nothing was revoked", t.muted),
        footer: Some(Line::styled("esc: back to the tokens", t.muted)),
    }
    .render(area, buf, t);
}
