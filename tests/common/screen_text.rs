//! A drawn buffer as text: one line per row, trailing spaces cut (for snapshots and asserts).

use ratatui::buffer::Buffer;

pub fn text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
