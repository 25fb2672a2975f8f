use super::*;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).expect("read log")
}

#[test]
fn control_characters_from_a_server_never_reach_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut w = LogWriter::open(dir.path(), Limits::default()).expect("open");
    // Clear screen, OSC 52 (clipboard write), a window title, a bell, a CR and a forged line.
    let hostile = "ERROR reply body=\x1b[2J\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x1b\\\r\
                   \n2026-01-01 INFO forged line\u{9b}31m\n";
    w.write_all(hostile.as_bytes()).expect("write");
    w.write_all(b"second event\n").expect("write");
    w.flush().expect("flush");
    let log = read(w.path());
    assert!(
        !log.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the log: {log:?}"
    );
    // One event stays one line: the embedded newline is made visible, the final one kept.
    assert_eq!(log.lines().count(), 2, "{log:?}");
    assert!(log.starts_with(
        "ERROR reply body=�[2J�]52;c;ZXZpbA==��]0;pwned�\\�⏎2026-01-01 INFO forged line�31m\n"
    ));
    assert!(log.ends_with("second event\n"));
}

#[test]
fn clean_line_keeps_only_the_final_newline_and_cuts_huge_lines() {
    assert_eq!(clean_line(b"plain\n"), "plain\n");
    assert_eq!(clean_line(b"no newline"), "no newline");
    assert_eq!(clean_line(b"a\nb\n"), "a⏎b\n");
    assert_eq!(clean_line(b"bad \xff utf8\n"), "bad \u{fffd} utf8\n");
    let huge = "é".repeat(MAX_LINE) + "\n";
    let out = clean_line(huge.as_bytes());
    assert!(out.len() < MAX_LINE + 64, "{}", out.len());
    assert!(out.ends_with(" bytes cut)\n"), "{}", &out[out.len() - 40..]);
}

#[test]
fn file_is_0600_and_a_created_state_dir_is_0700() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("state/nested");
    let w = LogWriter::open(&dir, Limits::default()).expect("open");
    assert_eq!(mode(w.path()), 0o600);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&root.path().join("state")), 0o700);
}

#[test]
fn an_existing_world_readable_log_is_tightened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(LOG_FILE);
    fs::write(&path, "old line\n").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut w = LogWriter::open(dir.path(), Limits::default()).expect("open");
    w.write_all(b"new line\n").expect("write");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(
        read(&path),
        "old line\nnew line\n",
        "appends, never truncates"
    );
}

#[test]
fn rotates_by_size_and_keeps_three_old_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = Limits {
        max_bytes: 20,
        keep: 3,
    };
    let mut w = LogWriter::open(dir.path(), limits).expect("open");
    // Each line is 10 bytes: two fit in a file.
    for i in 0..12 {
        w.write_all(format!("line {i:03}\n").as_bytes())
            .expect("write");
    }
    w.flush().expect("flush");
    assert_eq!(read(w.path()), "line 010\nline 011\n");
    assert_eq!(read(&w.rotated_path(1)), "line 008\nline 009\n");
    assert_eq!(read(&w.rotated_path(2)), "line 006\nline 007\n");
    assert_eq!(read(&w.rotated_path(3)), "line 004\nline 005\n");
    assert!(!w.rotated_path(4).exists(), "only three old files are kept");
    for n in 1..=3 {
        assert_eq!(mode(&w.rotated_path(n)), 0o600);
    }
    assert_eq!(mode(w.path()), 0o600);
}

#[test]
fn size_already_on_disk_counts_and_a_line_larger_than_the_limit_still_goes_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(LOG_FILE), "0123456789012345\n").expect("write");
    let limits = Limits {
        max_bytes: 20,
        keep: 1,
    };
    let mut w = LogWriter::open(dir.path(), limits).expect("open");
    w.write_all(b"abcdefgh\n").expect("write");
    assert_eq!(read(&w.rotated_path(1)), "0123456789012345\n");
    assert_eq!(read(w.path()), "abcdefgh\n");
    // A single long line is written whole into a fresh file rather than dropped.
    let long = "x".repeat(50) + "\n";
    w.write_all(long.as_bytes()).expect("write");
    assert_eq!(read(w.path()), long);
    assert_eq!(read(&w.rotated_path(1)), "abcdefgh\n");
    assert!(!w.rotated_path(2).exists());
}

#[test]
fn keep_zero_only_truncates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = Limits {
        max_bytes: 10,
        keep: 0,
    };
    let mut w = LogWriter::open(dir.path(), limits).expect("open");
    w.write_all(b"first 01\n").expect("write");
    w.write_all(b"second 2\n").expect("write");
    assert_eq!(read(w.path()), "second 2\n");
    assert!(!w.rotated_path(1).exists());
}
