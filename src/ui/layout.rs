//! The frame: status bar on top, the screen body, a footer line at the bottom.

use ratatui::layout::Rect;

pub struct Parts {
    pub status: Rect,
    pub body: Rect,
    pub footer: Rect,
}

pub fn split(area: Rect) -> Parts {
    let status = Rect {
        height: area.height.min(1),
        ..area
    };
    let footer_h = u16::from(area.height >= 2);
    let footer = Rect {
        y: area.y + area.height.saturating_sub(footer_h),
        height: footer_h,
        ..area
    };
    let body = Rect {
        y: area.y + status.height,
        height: area.height.saturating_sub(status.height + footer_h),
        ..area
    };
    Parts {
        status,
        body,
        footer,
    }
}

/// The body area for a terminal of this size (used for mouse hit tests).
pub fn body_area(width: u16, height: u16) -> Rect {
    split(Rect::new(0, 0, width, height)).body
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_three_rows() {
        let p = split(Rect::new(0, 0, 100, 30));
        assert_eq!(p.status, Rect::new(0, 0, 100, 1));
        assert_eq!(p.body, Rect::new(0, 1, 100, 28));
        assert_eq!(p.footer, Rect::new(0, 29, 100, 1));
        let tiny = split(Rect::new(0, 0, 10, 1));
        assert_eq!(tiny.body.height, 0);
    }
}
