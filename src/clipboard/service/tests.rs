//! The service's state machine with in-memory backends (test code only).

use std::sync::{Arc, Mutex};

use super::*;

/// A clipboard in memory: what it holds, what it was asked, and whether it can be read back.
#[derive(Default)]
struct Shared {
    content: Option<String>,
    sets: usize,
    clears: usize,
    fail_set: bool,
}

struct Memory {
    shared: Arc<Mutex<Shared>>,
    readable: bool,
    name: &'static str,
}

impl Backend for Memory {
    fn name(&self) -> &'static str {
        self.name
    }
    fn set(&mut self, text: &str) -> Result<(), ClipboardError> {
        let mut s = self.shared.lock().expect("lock");
        if s.fail_set {
            return Err(ClipboardError::System("no display".into()));
        }
        s.sets += 1;
        s.content = Some(text.to_string());
        Ok(())
    }
    fn read_back(&mut self) -> ReadBack {
        if !self.readable {
            return ReadBack::Unsupported;
        }
        let s = self.shared.lock().expect("lock");
        ReadBack::Text(Zeroizing::new(s.content.clone().unwrap_or_default()))
    }
    fn clear(&mut self) -> Result<(), ClipboardError> {
        let mut s = self.shared.lock().expect("lock");
        s.clears += 1;
        s.content = None;
        Ok(())
    }
}

fn settings(mode: ClipboardMode) -> ClipboardSettings {
    ClipboardSettings {
        mode,
        clear_after: Duration::from_secs(30),
    }
}

fn service(
    mode: ClipboardMode,
    use_system: bool,
) -> (Clipboard, Arc<Mutex<Shared>>, Arc<Mutex<Shared>>) {
    let sys = Arc::new(Mutex::new(Shared::default()));
    let term = Arc::new(Mutex::new(Shared::default()));
    let sys2 = sys.clone();
    let c = Clipboard::with_backends(
        settings(mode),
        use_system,
        Box::new(move || {
            Ok(Box::new(Memory {
                shared: sys2.clone(),
                readable: true,
                name: "memory system",
            }) as Box<dyn Backend>)
        }),
        Box::new(Memory {
            shared: term.clone(),
            readable: false,
            name: "memory osc52",
        }),
    );
    (c, sys, term)
}

fn text(s: &str) -> CopyText {
    CopyText::from(s.to_string())
}

const SECS_30: Duration = Duration::from_secs(30);

#[test]
fn clears_after_the_timeout_when_it_still_holds_our_value() {
    let (mut c, sys, _) = service(ClipboardMode::Auto, true);
    let t0 = Instant::now();
    let done = c.copy(&text("pa55"), SECS_30, t0).expect("copied");
    assert_eq!(done.backend, "system clipboard");
    assert_eq!(sys.lock().expect("lock").content.as_deref(), Some("pa55"));
    assert_eq!(c.poll(t0 + Duration::from_secs(29)), None);
    assert!(c.holding());
    assert_eq!(c.poll(t0 + SECS_30), Some(ClearOutcome::Cleared));
    assert_eq!(sys.lock().expect("lock").content, None);
    assert!(!c.holding(), "our copy is dropped");
    assert_eq!(c.poll(t0 + Duration::from_secs(60)), None);
}

#[test]
fn leaves_the_clipboard_alone_when_the_user_copied_something_else() {
    let (mut c, sys, _) = service(ClipboardMode::Auto, true);
    let t0 = Instant::now();
    c.copy(&text("pa55"), SECS_30, t0).expect("copied");
    sys.lock().expect("lock").content = Some("from another app".into());
    assert_eq!(c.poll(t0 + SECS_30), Some(ClearOutcome::Changed));
    let s = sys.lock().expect("lock");
    assert_eq!(s.content.as_deref(), Some("from another app"));
    assert_eq!(s.clears, 0);
    drop(s);
    assert!(!c.holding(), "our copy is dropped all the same");
}

#[test]
fn a_new_copy_replaces_the_held_one_and_its_timer() {
    let (mut c, sys, _) = service(ClipboardMode::System, true);
    let t0 = Instant::now();
    c.copy(&text("first"), SECS_30, t0).expect("copied");
    c.copy(&text("second"), SECS_30, t0 + Duration::from_secs(20))
        .expect("copied");
    // The first copy's time has come: nothing happens, the second is still on the clipboard.
    assert_eq!(c.poll(t0 + SECS_30), None);
    assert_eq!(sys.lock().expect("lock").content.as_deref(), Some("second"));
    assert_eq!(
        c.poll(t0 + Duration::from_secs(50)),
        Some(ClearOutcome::Cleared)
    );
}

#[test]
fn osc52_is_cleared_only_for_our_latest_copy() {
    let (mut c, sys, term) = service(ClipboardMode::Osc52, false);
    let t0 = Instant::now();
    let done = c
        .copy(&text("tok"), Duration::from_secs(2), t0)
        .expect("copied");
    assert_eq!(done.backend, "OSC 52");
    assert_eq!(sys.lock().expect("lock").sets, 0, "no system clipboard");
    assert_eq!(term.lock().expect("lock").content.as_deref(), Some("tok"));
    assert_eq!(
        c.poll(t0 + Duration::from_secs(2)),
        Some(ClearOutcome::Cleared)
    );
    assert_eq!(term.lock().expect("lock").clears, 1);
}

#[test]
fn falls_back_to_osc52_when_the_system_clipboard_fails() {
    let (mut c, sys, term) = service(ClipboardMode::Auto, true);
    sys.lock().expect("lock").fail_set = true;
    let done = c.copy(&text("v"), SECS_30, Instant::now()).expect("copied");
    assert_eq!(done.backend, "OSC 52");
    assert!(done.fell_back.is_some());
    assert_eq!(term.lock().expect("lock").content.as_deref(), Some("v"));
    // Not tried again on the next copy.
    sys.lock().expect("lock").fail_set = false;
    c.copy(&text("w"), SECS_30, Instant::now()).expect("copied");
    assert_eq!(sys.lock().expect("lock").sets, 0);
}

#[test]
fn off_copies_nothing() {
    let (mut c, sys, term) = service(ClipboardMode::Off, false);
    assert_eq!(
        c.copy(&text("v"), SECS_30, Instant::now()),
        Err(ClipboardError::Off)
    );
    assert_eq!(
        sys.lock().expect("lock").sets + term.lock().expect("lock").sets,
        0
    );
    assert!(!c.holding());
}

#[test]
fn auto_uses_the_system_clipboard_only_with_a_display_and_not_over_ssh() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_string())
        }
    };
    let auto = ClipboardMode::Auto;
    assert!(system_wanted(auto, &env(&[("DISPLAY", ":0")])));
    assert!(system_wanted(
        auto,
        &env(&[("WAYLAND_DISPLAY", "wayland-0")])
    ));
    assert!(!system_wanted(auto, &env(&[])));
    assert!(!system_wanted(
        auto,
        &env(&[
            ("DISPLAY", ":0"),
            ("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")
        ])
    ));
    assert!(!system_wanted(
        auto,
        &env(&[("DISPLAY", ":0"), ("SSH_TTY", "/dev/pts/1")])
    ));
    assert!(!system_wanted(
        ClipboardMode::Osc52,
        &env(&[("DISPLAY", ":0")])
    ));
    assert!(!system_wanted(
        ClipboardMode::Off,
        &env(&[("DISPLAY", ":0")])
    ));
    assert!(system_wanted(ClipboardMode::System, &env(&[])));
}
