use super::*;
use crate::command::{Origin, RequestKey};

fn seal() -> Mutation {
    Mutation::SealNode {
        addr: "http://127.0.0.1:8200".into(),
    }
}

fn ticket(seq: u64) -> Ticket {
    Ticket {
        seq,
        epoch: 0,
        key: RequestKey::new(Origin::Gate, "write"),
    }
}

fn type_in(g: &mut WriteGate, text: &str) {
    if let Some(input) = g.typed_input() {
        input.insert_str(text);
    }
}

#[test]
fn read_only_refuses_every_write() {
    let mut g = WriteGate::new(true);
    assert!(matches!(
        g.submit(Write::One(seal())),
        Err(GateError::ReadOnly(_))
    ));
    assert!(matches!(
        g.submit(Write::Batch(vec![seal(), seal()])),
        Err(GateError::ReadOnly(_))
    ));
    assert!(g.pending().is_none());
    assert_eq!(g.confirm(ticket(1)), Err(GateError::NothingPending));
    assert!(matches!(
        g.go(ticket(1), Write::One(seal())),
        Err(GateError::ReadOnly(_))
    ));
}

#[test]
fn destructive_write_needs_the_typed_phrase() {
    let mut g = WriteGate::new(false);
    assert_eq!(g.submit(Write::One(seal())), Ok(Submitted::Pending));
    let p = g.pending().expect("pending");
    assert_eq!(
        p.confirmation,
        Confirmation::Typed {
            phrase: "seal 127.0.0.1:8200".into()
        }
    );
    assert!(matches!(
        g.confirm(ticket(1)),
        Err(GateError::PhraseMismatch(_))
    ));
    type_in(&mut g, "seal 127.0.0.1:8200");
    assert_eq!(
        g.confirm(ticket(7)),
        Ok(Command::Write {
            ticket: ticket(7),
            write: Write::One(seal())
        })
    );
    assert!(g.pending().is_none());
}

#[test]
fn non_destructive_write_needs_a_yes() {
    let mut g = WriteGate::new(false);
    let m = Mutation::StepDown {
        addr: "http://127.0.0.1:8200".into(),
    };
    g.submit(Write::One(m.clone())).expect("accepted");
    assert!(g.typed_input().is_none(), "a yes/no has no typed input");
    assert_eq!(g.submit(Write::One(seal())).err(), Some(GateError::Busy));
    assert_eq!(
        g.confirm(ticket(2)),
        Ok(Command::Write {
            ticket: ticket(2),
            write: Write::One(m)
        })
    );
}

#[test]
fn a_batch_is_one_confirmation_with_the_count_in_the_phrase() {
    let ms: Vec<Mutation> = (0..7)
        .map(|i| Mutation::SealNode {
            addr: format!("http://127.0.0.1:82{i:02}"),
        })
        .collect();
    let w = Write::Batch(ms.clone());
    let spec = w.spec();
    assert_eq!(spec.items, 7);
    assert_eq!(spec.summary, "seal 7 nodes");
    assert_eq!(spec.risk, Risk::Typed("seal 7 nodes".into()));
    assert_eq!(
        spec.description,
        "Seal 7 nodes: 127.0.0.1:8200, 127.0.0.1:8201, 127.0.0.1:8202, 127.0.0.1:8203, \
         127.0.0.1:8204, and 2 more."
    );
    let mut g = WriteGate::new(false);
    g.submit(w.clone()).expect("accepted");
    type_in(&mut g, "seal 127.0.0.1:8200");
    assert!(
        g.confirm(ticket(3)).is_err(),
        "one item's phrase is not the batch's"
    );
    if let Some(i) = g.typed_input() {
        i.set("");
    }
    type_in(&mut g, "seal 7 nodes");
    assert_eq!(
        g.confirm(ticket(4)),
        Ok(Command::Write {
            ticket: ticket(4),
            write: w
        })
    );
    assert_eq!(g.submit(Write::Batch(vec![])), Err(GateError::Empty));
}

#[test]
fn server_given_addresses_are_sanitised_and_phrases_typeable() {
    let hostile = "http://127.0.0.1:8201\x1b]0;pwned\x07\u{9b}2J\n\u{202e}/";
    let m = Mutation::SealNode {
        addr: hostile.into(),
    };
    let phrase = m.confirm_phrase();
    assert_eq!(phrase, "seal 127.0.0.1:8201]0;pwned2J");
    assert!(
        phrase.chars().all(|c| c == ' ' || c.is_ascii_graphic()),
        "{phrase:?}"
    );
    let d = m.describe();
    assert!(!d.chars().any(char::is_control), "{d:?}");
    assert!(d.contains("127.0.0.1:8201�]0;pwned�"), "{d:?}");
    let s = m.spec();
    assert!(!s.summary.chars().any(char::is_control), "{s:?}");
    // The typed phrase confirms; the command still goes to the real address.
    let mut g = WriteGate::new(false);
    g.submit(Write::One(m.clone())).expect("accepted");
    type_in(&mut g, &phrase);
    assert_eq!(
        g.confirm(ticket(3)),
        Ok(Command::Write {
            ticket: ticket(3),
            write: Write::One(m)
        })
    );
    // Nothing typeable, or far too long: a short phrase that can still be typed.
    let odd = Mutation::SealNode {
        addr: "http://\u{7}\u{1b}é€".into(),
    };
    assert_eq!(odd.confirm_phrase(), "seal this node");
    let long = Mutation::SealNode {
        addr: format!("http://{}", "a".repeat(70_000)),
    };
    assert_eq!(long.confirm_phrase().len(), "seal ".len() + PHRASE_ADDR_MAX);
    assert!(long.describe().chars().count() < 200);
}

#[test]
fn going_read_only_drops_the_pending_write() {
    let mut g = WriteGate::new(false);
    g.submit(Write::One(seal())).expect("accepted");
    g.set_read_only(true);
    assert!(g.pending().is_none());
}
